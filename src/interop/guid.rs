//! GUIDs that stay the same from one export to the next.
//!
//! REFI-QDA identifies every object by a GUID. icamo derives each one from what the object is
//! (`code:icamo1.m1`, `source:int-sh-01`, …) with BLAKE3, so two exports of the same study give
//! the same GUIDs, other tools recognise an object they have seen before, and exports can be
//! diffed. The GUIDs have the form of a version 8 (custom) UUID: 8-4-4-4-12 hex digits, in
//! lower case as NVivo writes them (some readers refuse capitals; icamo's import takes both).

/// The GUID of the object `kind` named `key`, for example `guid("code", "icamo1.m1")`.
pub fn guid(kind: &str, key: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"icamo refi-qda guid\0");
    hasher.update(kind.as_bytes());
    hasher.update(b"\0");
    hasher.update(key.as_bytes());
    let hash = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&hash.as_bytes()[..16]);
    b[6] = (b[6] & 0x0f) | 0x80; // version 8
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 9562 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Whether `s` has the form REFI-QDA requires of a GUID (with or without braces).
pub(crate) fn is_guid(s: &str) -> bool {
    let s = s
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(s);
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_object_gets_the_same_guid_and_others_differ() {
        assert_eq!(guid("code", "icamo1.m1"), guid("code", "icamo1.m1"));
        assert_ne!(guid("code", "icamo1.m1"), guid("code", "icamo1.m2"));
        assert_ne!(guid("code", "x"), guid("source", "x"));
        assert!(is_guid(&guid("code", "icamo1.m1")));
        assert_eq!(&guid("code", "a")[14..15], "8");
        let g = guid("code", "icamo1.m1");
        assert_eq!(g, g.to_lowercase(), "NVivo writes GUIDs in lower case");
    }

    #[test]
    fn braces_are_allowed_and_wrong_lengths_are_not() {
        assert!(is_guid("{85D17F60-7BB0-481E-B742-B4861DD669DF}"));
        assert!(!is_guid("85D17F60-7BB0-481E-B742-B4861DD669D"));
        assert!(!is_guid("85D17F60-7BB0-481E-B742-B4861DD669DZ"));
    }
}

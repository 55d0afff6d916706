//! The author's words as the codebook holds them (see [`crate::codebook::sentence`]): kept
//! apart from the checks of them, so that the codebook's model and its configurations can hold
//! the words without depending on what checks them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How a context factor bears on a configuration's mechanisms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContextEffect {
    /// The mechanisms need it: it belongs after "mits".
    Condition,
    /// It stands in their way: it belongs after "tenzij", never after "mits".
    Barrier,
    /// It works one way for some and the other way for others (gender, age, a tight labour
    /// market): neither after "mits" nor after "tenzij".
    Varies,
}

impl ContextEffect {
    /// The name as written in a codebook.
    pub fn name(self) -> &'static str {
        match self {
            ContextEffect::Condition => "condition",
            ContextEffect::Barrier => "barrier",
            ContextEffect::Varies => "varies",
        }
    }
}

impl fmt::Display for ContextEffect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `[codes.sentence]` of a mechanism: its two clauses of the causal sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MechanismWording {
    /// What follows "dan": a main clause with the verb first ("krijgen uitvoerders een
    /// helderder beeld van …").
    #[serde(default)]
    pub dan: Option<String>,
    /// What follows "waardoor": a subordinate clause with the verb last ("uitvoerders
    /// gerichter kunnen begeleiden").
    #[serde(default)]
    pub waardoor: Option<String>,
}

/// `[configurations.sentence]`: a configuration's clauses of the causal sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationWording {
    /// What follows "Als": the intervention and whom it is for, verb last ("de gemeente
    /// inburgeraars met een brede intake en een persoonlijk plan begeleidt").
    #[serde(default)]
    pub als: Option<String>,
    /// What follows "mits": the conditions, as a clause or a list of noun phrases.
    #[serde(default)]
    pub mits: Option<String>,
    /// What follows "tenzij": the barriers, as a clause.
    #[serde(default)]
    pub tenzij: Option<String>,
    /// What follows "wat vervolgens leidt tot" (default: the outcome's label).
    #[serde(default)]
    pub uitkomst: Option<String>,
}

/// `sentence` of a `[[configurations.mechanisms]]` entry: its own "als" clause, for a
/// mechanism that only some of the configuration's interventions set going.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriggerWording {
    /// What follows "Als" for this mechanism.
    #[serde(default)]
    pub als: Option<String>,
}

/// A written clause, `None` when it is missing or blank.
pub(crate) fn written(clause: &Option<String>) -> Option<&str> {
    clause.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

//! The figure renderers (DOT, SVG with both engines, PNG, Mermaid) on charts built by hand
//! after the reference study (`shared/study/dualiteit.md`).

use icamo::chain::chart::{
    Chart, ChartConfiguration, Counts, Edge, EdgeKind, EvidenceBasis, Node, NodeKind, Step, Voices,
};
use icamo::chain::verdict::{Verdict, verdict};
use icamo::codebook::ContextLevel;
use icamo::render::svg::Engine;
use icamo::render::{dot, mermaid, png, svg};
use quick_xml::Reader;
use quick_xml::events::Event;
use resvg::tiny_skia::Pixmap;

// ---------------------------------------------------------------------------------------------
// Charts built by hand

struct Mech {
    code: &'static str,
    label: &'static str,
    process: &'static str,
    subgoal: &'static str,
    happens_in: &'static [&'static str],
    /// segments, respondents, supports, contradicts, nuance
    evidence: (usize, usize, usize, usize, usize),
    contradicted: bool,
    /// 1-based index of the mechanism it leads to (else the outcome).
    leads_to: Option<usize>,
}

struct Spec {
    id: &'static str,
    title: &'static str,
    /// (code, label, mechanisms it triggers, 1-based)
    interventions: &'static [(&'static str, &'static str, &'static [usize])],
    /// A chain link as intervention (code, label).
    chain_in: Option<(&'static str, &'static str)>,
    actors: &'static [(&'static str, &'static str)],
    beneficiaries: &'static [(&'static str, &'static str)],
    mechanisms: &'static [Mech],
    counters: &'static [Mech],
    /// (code, label, shared with other configurations)
    outcome: (&'static str, &'static str, bool),
    context: &'static [(ContextLevel, &'static str, &'static str)],
}

fn node(id: String, code: &str, kind: NodeKind, config: &str, label: &str) -> Node {
    Node {
        id,
        code: code.to_string(),
        kind,
        configurations: vec![config.to_string()],
        label: label.to_string(),
        level: None,
        steps: Vec::new(),
        happens_in: Vec::new(),
        evidence: Counts::default(),
        voices: Voices::default(),
        contradicted: false,
        verdict: None,
    }
}

fn edge(chart: &mut Chart, from: &str, to: &str, kind: EdgeKind, config: &str) {
    chart.edges.push(Edge {
        from: from.to_string(),
        to: to.to_string(),
        kind,
        configuration: config.to_string(),
    });
}

fn build(specs: &[Spec]) -> Chart {
    let mut chart = Chart {
        configurations: Vec::new(),
        nodes: Vec::new(),
        edges: Vec::new(),
        evidence: EvidenceBasis {
            include_suggestions: false,
            codings: 412,
        },
    };
    let mut shared: Vec<Node> = Vec::new();
    let mut share = |code: &str, label: &str, kind: NodeKind, config: &str| -> String {
        match shared.iter_mut().find(|n| n.id == code) {
            Some(n) => n.configurations.push(config.to_string()),
            None => {
                let mut n = node(code.to_string(), code, kind, config, label);
                n.evidence = Counts {
                    segments: 31,
                    respondents: 17,
                    supports: 25,
                    contradicts: 3,
                    nuance: 3,
                    barriers: 0,
                };
                shared.push(n);
            }
        }
        code.to_string()
    };
    for s in specs {
        let c = s.id;
        let mut conf = ChartConfiguration {
            id: c.to_string(),
            title: s.title.to_string(),
            interventions: Vec::new(),
            actors: Vec::new(),
            beneficiaries: Vec::new(),
            mechanisms: Vec::new(),
            counter_mechanisms: Vec::new(),
            outcome: String::new(),
            context: Vec::new(),
        };
        if let Some((code, label)) = s.chain_in {
            conf.interventions
                .push(share(code, label, NodeKind::Outcome, c));
        }
        let mut mech_ids = Vec::new();
        let mut mech_nodes = Vec::new();
        for (list, counter) in [(s.mechanisms, false), (s.counters, true)] {
            for m in list {
                let id = format!("{c}/{}", m.code);
                let kind = if counter {
                    NodeKind::CounterMechanism
                } else {
                    NodeKind::Mechanism
                };
                let mut n = node(id.clone(), m.code, kind, c, m.label);
                n.steps = vec![Step {
                    process: m.process.to_string(),
                    subgoal: m.subgoal.to_string(),
                }];
                n.happens_in = m.happens_in.iter().map(|h| h.to_string()).collect();
                let (segments, respondents, supports, contradicts, nuance) = m.evidence;
                n.evidence = Counts {
                    segments,
                    respondents,
                    supports,
                    contradicts,
                    nuance,
                    barriers: 0,
                };
                // In people, as the figure counts: each respondent here gave one stance.
                n.voices = Voices {
                    fragments: segments,
                    people: respondents,
                    cases: 1,
                    supports: supports.min(respondents),
                    contradicts: contradicts.min(respondents),
                    nuance: nuance.min(respondents),
                    barred: 0,
                    stanced: (supports + contradicts + nuance).min(respondents),
                    open: 0,
                };
                n.contradicted = m.contradicted;
                n.verdict = Some(if m.contradicted {
                    Verdict::Contradicted
                } else {
                    verdict(&n.voices)
                });
                mech_nodes.push(n);
                if counter {
                    conf.counter_mechanisms.push(id);
                } else {
                    conf.mechanisms.push(id.clone());
                    mech_ids.push(id);
                }
            }
        }
        let mut actor_ids = Vec::new();
        for (code, label) in s.actors {
            let id = format!("{c}/{code}");
            chart
                .nodes
                .push(node(id.clone(), code, NodeKind::Actor, c, label));
            actor_ids.push(id.clone());
            conf.actors.push(id);
        }
        for (code, label) in s.beneficiaries {
            let id = format!("{c}/{code}");
            chart
                .nodes
                .push(node(id.clone(), code, NodeKind::Actor, c, label));
            conf.beneficiaries.push(id);
        }
        for (code, label, triggers) in s.interventions {
            let id = format!("{c}/{code}");
            chart
                .nodes
                .push(node(id.clone(), code, NodeKind::Intervention, c, label));
            for a in &actor_ids {
                edge(&mut chart, &id, a, EdgeKind::Targets, c);
            }
            for t in *triggers {
                edge(&mut chart, &id, &mech_ids[t - 1], EdgeKind::Triggers, c);
            }
            conf.interventions.push(id);
        }
        let (ocode, olabel, oshared) = s.outcome;
        conf.outcome = if oshared {
            share(ocode, olabel, NodeKind::Outcome, c)
        } else {
            let id = format!("{c}/{ocode}");
            chart
                .nodes
                .push(node(id.clone(), ocode, NodeKind::Outcome, c, olabel));
            id
        };
        for (m, n) in s.mechanisms.iter().zip(&mech_ids) {
            let to = m
                .leads_to
                .map_or(conf.outcome.clone(), |t| mech_ids[t - 1].clone());
            edge(&mut chart, n, &to, EdgeKind::LeadsTo, c);
        }
        for m in s.counters {
            edge(
                &mut chart,
                &format!("{c}/{}", m.code),
                &conf.outcome,
                EdgeKind::Counteracts,
                c,
            );
        }
        chart.nodes.extend(mech_nodes);
        for (level, code, label) in s.context {
            let id = format!("{c}/{code}");
            let mut n = node(id.clone(), code, NodeKind::Context, c, label);
            n.level = Some(*level);
            chart.nodes.push(n);
            for m in &mech_ids {
                edge(&mut chart, &id, m, EdgeKind::Moderates, c);
            }
            conf.context.push(id);
        }
        chart.configurations.push(conf);
    }
    chart.nodes.extend(shared);
    chart
}

const DUALITEIT: (&str, &str, bool) = (
    "out.dualiteit",
    "Dualiteit: taal leren en participeren combineren",
    true,
);

use ContextLevel::{Individual as Ind, Institutional as Inst, Societal as Soc};

const ICAMO1: Spec = Spec {
    id: "icamo1",
    title: "Benadering gericht op inburgeraars",
    interventions: &[
        ("int.brede-intake", "Brede intake", &[1]),
        (
            "int.pip",
            "PIP (Persoonlijk Plan Inburgering en Participatie)",
            &[1],
        ),
        (
            "int.participatiecomponent",
            "Participatiecomponent in de leerroutes (statushouders)",
            &[1, 3],
        ),
        (
            "int.map",
            "MAP (Module Arbeidsmarkt en Participatie)",
            &[1, 3],
        ),
        ("int.pvt", "PVT (Participatieverklaringstraject)", &[1]),
        (
            "int.sahw",
            "Programma Statushouders aan het Werk (SahW)",
            &[3],
        ),
        ("int.opvang-werk", "Pilot \"van Opvang naar Werk\"", &[3]),
        ("int.startbanen", "Startbanen", &[4]),
        ("int.leerwerk", "Leerwerktrajecten", &[4]),
        ("int.jobcoaching", "Jobcoaching", &[5]),
        (
            "int.arbeidstoeleiding",
            "Arbeidstoeleiding (gezinsmigranten)",
            &[3, 4, 5],
        ),
        (
            "int.voortgang-z",
            "Pilot voortgangsgesprekken Z-route (gezinsmigranten, Huis van de Wijk)",
            &[3, 4],
        ),
    ],
    chain_in: None,
    actors: &[
        (
            "act.inburgeraars",
            "Inburgeraars (statushouders en gezinsmigranten)",
        ),
        ("act.uitvoerders", "Uitvoerders (coaches, consulenten)"),
    ],
    beneficiaries: &[],
    mechanisms: &[
        Mech {
            code: "mech.gerichtere-ondersteuning",
            label: "Leidt tot gerichtere ondersteuning door uitvoerders",
            process: "Helderder beeld van wensen, mogelijkheden en verplichtingen",
            subgoal: "uitvoerders kunnen gerichter begeleiden",
            happens_in: &["uitvoerders (coaches, consulenten)"],
            evidence: (14, 9, 11, 1, 2),
            contradicted: false,
            leads_to: Some(2),
        },
        Mech {
            code: "mech.motiveert",
            label: "Motiveert en activeert",
            process: "Helderder beeld voor de inburgeraar",
            subgoal: "gemotiveerder en actiever in taal en participatie",
            happens_in: &[],
            evidence: (12, 9, 9, 2, 1),
            contradicted: false,
            leads_to: None,
        },
        Mech {
            code: "mech.zoekgedrag",
            label: "Leidt tot actiever en gerichter zoekgedrag",
            process: "Breder perspectief en sterkere competenties",
            subgoal: "actiever en gerichter zoekgedrag",
            happens_in: &[],
            evidence: (9, 6, 3, 5, 1),
            contradicted: true,
            leads_to: None,
        },
        Mech {
            code: "mech.perspectief",
            label: "Leidt tot concreet perspectief op (passend) leer-/werkaanbod",
            process: "Meer grip op eigen mogelijkheden",
            subgoal: "concreet perspectief op een passende leer-/werkplek",
            happens_in: &[],
            evidence: (7, 5, 6, 0, 1),
            contradicted: false,
            leads_to: None,
        },
        Mech {
            code: "mech.verbinding",
            label: "Leidt tot verbinding inburgeraar en werkgever",
            process: "Meer vertrouwen in en bekendheid met de werkgever",
            subgoal: "wederzijdse verbinding",
            happens_in: &[],
            evidence: (5, 4, 4, 0, 1),
            contradicted: false,
            leads_to: None,
        },
    ],
    counters: &[],
    outcome: DUALITEIT,
    context: &[
        (Ind, "ctx.motivatie", "Motivatie"),
        (Ind, "ctx.geslacht", "Geslacht"),
        (Ind, "ctx.leeftijd", "Leeftijd"),
        (Ind, "ctx.taalniveau", "Taal- en opleidingsniveau"),
        (Ind, "ctx.gezinssituatie", "Gezinssituatie"),
        (Ind, "ctx.gezondheid", "(Mentale) gezondheid"),
        (Ind, "ctx.fase", "Fase inburgeringstraject"),
        (Ind, "ctx.uitkering", "Uitkeringsgerechtigd"),
        (
            Inst,
            "ctx.menskracht",
            "Menskracht en middelen bij gemeenten",
        ),
        (Inst, "ctx.experimenteerruimte", "Experimenteerruimte"),
        (Inst, "ctx.maatwerk", "Maatwerk"),
        (
            Inst,
            "ctx.leerrouteaanbod",
            "Voldoende, flexibel en goed leerrouteaanbod",
        ),
        (
            Inst,
            "ctx.afstemming",
            "Taal- en participatieaanbod op elkaar afgestemd",
        ),
        (Inst, "ctx.kinderopvang", "Kinderopvang"),
        (Inst, "ctx.reistijd", "Reistijd en reiskosten"),
        (
            Inst,
            "ctx.beleid-gezinsmigranten",
            "Verschil in beleid voor gezinsmigranten",
        ),
        (Soc, "ctx.openheid", "Openheid samenleving"),
        (
            Soc,
            "ctx.werkgevers",
            "Bereidwilligheid en flexibiliteit werkgevers",
        ),
        (Soc, "ctx.krapte", "Krapte op de arbeidsmarkt"),
        (Soc, "ctx.discriminatie", "Arbeidsmarktdiscriminatie"),
    ],
};

const ICAMO2: Spec = Spec {
    id: "icamo2",
    title: "Benadering gericht op werkgevers",
    interventions: &[
        ("int.regioverbinders", "Regioverbinders", &[]),
        ("int.aanjagers", "Aanjagers", &[]),
        ("int.subsidies", "Subsidies (o.a. loonkostensubsidie)", &[]),
        ("int.banenmarkten", "Banenmarkten / meet & greets", &[]),
        ("int.jobcoaches", "Jobcoaches (richting werkgevers)", &[]),
        ("int.arbeidstoeleiding", "Arbeidstoeleiding", &[]),
    ],
    chain_in: None,
    actors: &[("act.werkgevers", "Werkgevers (managers, collega's)")],
    beneficiaries: &[
        ("act.statushouders", "Statushouders"),
        ("act.gezinsmigranten", "Gezinsmigranten"),
    ],
    mechanisms: &[
        Mech {
            code: "mech.bereidheid",
            label: "Leidt tot grotere bereidheid om inburgeraars in dienst te nemen",
            process: "Werkgevers worden zich bewust van de mogelijkheden",
            subgoal: "de bereidheid om aan te nemen groeit",
            happens_in: &[],
            evidence: (8, 6, 6, 1, 1),
            contradicted: false,
            leads_to: None,
        },
        Mech {
            code: "mech.aanbod",
            label: "Leidt tot creëren/uitbreiden van leer-/werkaanbod",
            process: "Minder risico ervaren",
            subgoal: "werkgevers creëren of breiden leer-/werkplekken uit",
            happens_in: &[],
            evidence: (4, 3, 3, 0, 1),
            contradicted: false,
            leads_to: None,
        },
        Mech {
            code: "mech.verbinding",
            label: "Leidt tot verbinding inburgeraar en werkgever",
            process: "Meer vertrouwen in en bekendheid met inburgeraars",
            subgoal: "wederzijdse verbinding",
            happens_in: &[],
            evidence: (6, 5, 5, 0, 1),
            contradicted: false,
            leads_to: None,
        },
    ],
    counters: &[],
    outcome: DUALITEIT,
    context: &[
        (
            Ind,
            "ctx.bereidheid",
            "Bereidheid werkgevers/managers en collega's",
        ),
        (Ind, "ctx.lef", "Creativiteit en lef professionals"),
        (
            Inst,
            "ctx.ruimte",
            "Ruimte en tijd bij gemeente en werkgevers",
        ),
        (Inst, "ctx.experimenteerruimte", "Experimenteerruimte"),
        (Inst, "ctx.middelen", "(Financiële) middelen"),
        (
            Inst,
            "ctx.samenwerking",
            "Samenwerking en kennisuitwisseling",
        ),
        (Soc, "ctx.krapte", "Krapte op de arbeidsmarkt"),
    ],
};

const ICAMO3: Spec = Spec {
    id: "icamo3",
    title: "Afwegingskader statushouders",
    interventions: &[("int.afwegingskader", "Afwegingskader met routekaart", &[])],
    chain_in: None,
    actors: &[
        ("act.coaches", "Coaches"),
        ("act.consulenten", "Consulenten"),
        ("act.aanbieders", "Aanbieders"),
        ("act.statushouders", "Statushouders"),
        ("act.werkgevers", "Werkgevers"),
    ],
    beneficiaries: &[],
    mechanisms: &[
        Mech {
            code: "mech.gesprek",
            label: "Leidt tot gemakkelijker en meer uniform gesprek",
            process: "Bewustwording van kansen en knelpunten",
            subgoal: "makkelijker, uniformer gesprek over voortgang en verwachtingen",
            happens_in: &[],
            evidence: (3, 3, 2, 0, 1),
            contradicted: false,
            leads_to: None,
        },
        Mech {
            code: "mech.regie",
            label: "Leidt tot gericht en meer gezamenlijk regie voeren",
            process: "Beter geïnformeerde afweging tussen taal en participatie",
            subgoal: "gerichte, gezamenlijke regie op trajecten",
            happens_in: &[],
            evidence: (2, 2, 1, 1, 0),
            contradicted: false,
            leads_to: None,
        },
    ],
    counters: &[],
    outcome: DUALITEIT,
    context: &[
        (Ind, "ctx.werkfit", "Werkfit zijn"),
        (Ind, "ctx.verzuim", "(Geen) verzuim"),
        (Ind, "ctx.parttime", "Mogelijkheid tot parttime werk"),
        (Inst, "ctx.registratie", "Goede registratie"),
        (Inst, "ctx.tijd", "Tijd en (experimenteer)ruimte"),
        (Inst, "ctx.middelen", "(Financiële) middelen"),
        (Inst, "ctx.maatwerk", "Maatwerk"),
        (
            Inst,
            "ctx.aansturing",
            "Aansturing afdelingshoofden (KPI inburgering)",
        ),
        (Inst, "ctx.werkgevers", "Betrokken werkgevers"),
    ],
};

const ICAMO4: Spec = Spec {
    id: "icamo4",
    title: "De bijdrage van dualiteit aan inburgering",
    interventions: &[],
    chain_in: Some((DUALITEIT.0, DUALITEIT.1)),
    actors: &[(
        "act.inburgeraars",
        "Inburgeraars (statushouders en gezinsmigranten)",
    )],
    beneficiaries: &[],
    mechanisms: &[
        Mech {
            code: "mech.versnelling",
            label: "Leidt tot wederzijdse versnelling taal- en participatievaardigheden",
            process: "Wederzijdse versnelling merken",
            subgoal: "gemotiveerder in het inburgeringstraject",
            happens_in: &[],
            evidence: (16, 11, 13, 1, 2),
            contradicted: false,
            leads_to: None,
        },
        Mech {
            code: "mech.kennismaking",
            label: "Leidt tot verdere kennismaking met het (werk)leven in Nederland",
            process: "Lagere drempel om Nederlands te spreken en mee te doen",
            subgoal: "meer kennis van het (werk)leven in Nederland",
            happens_in: &[],
            evidence: (10, 8, 8, 0, 2),
            contradicted: false,
            leads_to: None,
        },
        Mech {
            code: "mech.vaardigheden",
            label: "Leidt tot aanleren nieuwe en toepassen van oude vaardigheden",
            process: "Lagere drempel",
            subgoal: "nieuwe vaardigheden geleerd, oude weer toegepast",
            happens_in: &[],
            evidence: (6, 5, 5, 0, 1),
            contradicted: false,
            leads_to: None,
        },
        Mech {
            code: "mech.netwerk",
            label: "Leidt tot steviger sociaal netwerk en belonging",
            process: "Minder afstand tot anderen",
            subgoal: "meer sociale contacten, sterkere belonging",
            happens_in: &[],
            evidence: (11, 9, 7, 3, 1),
            contradicted: false,
            leads_to: None,
        },
        Mech {
            code: "mech.zelfredzaamheid",
            label: "Leidt tot versterking van financiële zelfredzaamheid, eigenwaarde en mentale gezondheid",
            process: "Sterkere eigenwaarde, zelfvertrouwen en mentale gezondheid",
            subgoal: "betere focus op verantwoordelijkheden",
            happens_in: &[],
            evidence: (9, 7, 6, 2, 1),
            contradicted: false,
            leads_to: None,
        },
    ],
    counters: &[Mech {
        code: "mech.in-de-weg",
        label: "Taal leren en werken zitten elkaar in de weg",
        process: "Tijdgebrek, vermoeidheid, werk waar geen Nederlands gesproken wordt",
        subgoal: "minder voortgang met de taal",
        happens_in: &[],
        evidence: (8, 7, 7, 0, 1),
        contradicted: false,
        leads_to: None,
    }],
    outcome: (
        "out.succesvolle-inburgering",
        "Succesvolle inburgering",
        false,
    ),
    context: &[
        (Ind, "ctx.kenmerken", "Kenmerken inburgeraar"),
        (Ind, "ctx.type-werk", "Type werk"),
        (Ind, "ctx.omgeving", "Nederlandse (werk)omgeving"),
        (Ind, "ctx.oefenen", "Taal kunnen oefenen op het werk"),
        (Ind, "ctx.verwachtingen", "Verwachtingen inburgeraar"),
        (Ind, "ctx.inzet", "Actieve inzet inburgeraar"),
        (
            Ind,
            "ctx.partner",
            "Ondersteuning partner (gezinsmigranten)",
        ),
        (Inst, "ctx.kinderopvang", "Kinderopvang"),
        (Inst, "ctx.maatwerk", "Maatwerk"),
        (Inst, "ctx.flexibiliteit", "Flexibiliteit"),
        (Inst, "ctx.experimenteren", "Ruimte voor experimenteren"),
        (Inst, "ctx.gemeenten", "Actieve inzet gemeenten"),
        (Soc, "ctx.werkgevers", "Bereidheid werkgevers"),
        (Soc, "ctx.openheid", "Openheid samenleving"),
    ],
};

/// The reference study's four configurations, chained through dualiteit.
fn full_chain() -> Chart {
    build(&[ICAMO1, ICAMO2, ICAMO3, ICAMO4])
}

/// ICAMO 1 alone.
fn icamo1() -> Chart {
    build(&[ICAMO1])
}

/// A realistic two-configuration chain: ICAMO 1 (with a contradicted mechanism and a quoted
/// label) into ICAMO 4 (with a counter-mechanism).
fn two_chain() -> Chart {
    build(&[ICAMO1, ICAMO4])
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn all_labels(chart: &Chart) -> Vec<&str> {
    chart.nodes.iter().map(|n| n.label.as_str()).collect()
}

/// Everything inside `<text>` elements, unescaped, and whether the document read without error.
fn svg_text(svg: &str) -> String {
    let mut reader = Reader::from_str(svg);
    let mut in_text = 0usize;
    let mut text = String::new();
    let mut elements = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                elements += 1;
                if e.local_name().as_ref() == "text" {
                    in_text += 1;
                }
            }
            Ok(Event::End(e)) => {
                if e.local_name().as_ref() == "text" {
                    in_text -= 1;
                    text.push(' ');
                }
            }
            Ok(Event::Empty(_)) => elements += 1,
            Ok(Event::Text(t)) if in_text > 0 => {
                text.push_str(&t.xml10_content());
            }
            Ok(Event::GeneralRef(r)) if in_text > 0 => {
                let name = r.xml10_content();
                let c = match name.as_ref() {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    other => {
                        let code = other
                            .strip_prefix("#x")
                            .map(|h| u32::from_str_radix(h, 16))
                            .or_else(|| other.strip_prefix('#').map(str::parse))
                            .unwrap_or_else(|| panic!("unexpected entity &{other};"))
                            .expect("a character reference");
                        char::from_u32(code).expect("a character")
                    }
                };
                text.push(c);
            }
            Ok(_) => {}
            Err(e) => panic!(
                "SVG is not well-formed at byte {}: {e}",
                reader.buffer_position()
            ),
        }
    }
    assert!(elements > 10, "the SVG draws almost nothing");
    text
}

fn dot_available() -> bool {
    std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn red_pixels(png: &[u8]) -> usize {
    let pixmap = Pixmap::decode_png(png).expect("a PNG");
    pixmap
        .pixels()
        .iter()
        .filter(|p| {
            let c = p.demultiply();
            c.red() > 150 && c.green() < 90 && c.blue() < 90
        })
        .count()
}

// ---------------------------------------------------------------------------------------------
// DOT

#[test]
fn dot_parses_back_and_holds_every_label() {
    for chart in [icamo1(), two_chain(), full_chain()] {
        let text = dot::to_dot(&chart);
        graphviz_rust::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        for label in all_labels(&chart) {
            // Whole in the tooltip, quotes escaped; "Kind: label" as the report writes it,
            // "Kind — label".
            let label = label.replace(": ", " — ");
            let escaped = label.replace('\\', "\\\\").replace('"', "\\\"");
            assert!(text.contains(&escaped), "{label:?} missing");
        }
    }
    let text = dot::to_dot(&full_chain());
    for word in ["Financiële", "⇒", "—", "geïnformeerde", "creëren"] {
        assert!(text.contains(word), "{word} lost");
    }
}

#[test]
fn dot_draws_one_cluster_per_configuration_and_the_chain_link_between() {
    let chart = full_chain();
    let graph = graphviz_rust::parse(&dot::to_dot(&chart)).unwrap();
    let graphviz_rust::dot_structures::Graph::DiGraph { stmts, .. } = graph else {
        panic!("not a digraph");
    };
    use graphviz_rust::dot_structures::{Id, Stmt};
    let clusters: Vec<String> = stmts
        .iter()
        .filter_map(|s| match s {
            Stmt::Subgraph(g) => match &g.id {
                Id::Escaped(id) | Id::Plain(id) => Some(id.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(
        clusters,
        [
            "\"cluster_0\"",
            "\"cluster_1\"",
            "\"cluster_2\"",
            "\"cluster_3\""
        ]
    );
    // The chain link is a top-level node, not inside any cluster.
    assert!(stmts.iter().any(|s| matches!(s,
        Stmt::Node(n) if n.id.0 == Id::Escaped("\"out.dualiteit\"".into()))));
    let text = dot::to_dot(&chart);
    assert!(text.contains("ICAMO 1 — Benadering gericht op inburgeraars"));
    assert!(text.contains("ICAMO 4 — De bijdrage van dualiteit aan inburgering"));
    assert!(text.contains("rankdir=\"LR\""));
    // Twelve interventions in one box, not twelve nodes.
    assert_eq!(text.matches("\"icamo1/interventies\"").count(), 2);
    // Counted in people, as the report's text counts.
    assert!(text.contains("12 fragmenten van 9 respondenten"));
    assert!(text.contains("+ 9 · − 2 · ~ 1"));
    assert!(text.contains("<I>bij uitvoerders (coaches,</I>"));
    assert!(text.contains("Maatschappelijk-") && text.contains("economisch"));
}

#[test]
fn dot_marks_contradicted_and_counter_mechanisms() {
    let text = dot::to_dot(&two_chain());
    let line = text
        .lines()
        .find(|l| l.contains("\"icamo1/mech.zoekgedrag\"["))
        .expect("the contradicted mechanism");
    assert!(line.contains("Oordeel: ⚠ weersproken"), "{line}");
    assert!(line.contains("color=\"#C0392B\""), "{line}");
    assert!(line.contains("dashed"), "{line}");
    let counter = text
        .lines()
        .find(|l| l.contains("\"icamo4/mech.in-de-weg\" -> \"icamo4/out.succesvolle-inburgering\""))
        .expect("the counter-mechanism's edge");
    assert!(
        counter.contains("dashed") && counter.contains("#C0392B"),
        "{counter}"
    );
}

#[test]
fn dot_wraps_long_labels() {
    let text = dot::to_dot(&two_chain());
    let line = text
        .lines()
        .find(|l| l.contains("\"icamo4/mech.zelfredzaamheid\"["))
        .unwrap();
    let label = &line[line.find("label=<").unwrap()..];
    for part in label.split("</TD></TR>") {
        let visible: String = strip_tags(part);
        assert!(visible.chars().count() <= 40, "{visible:?} too long");
    }
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.replace("&#160;", " ")
}

// ---------------------------------------------------------------------------------------------
// SVG

#[test]
fn builtin_svg_is_well_formed_and_shows_every_word() {
    for chart in [icamo1(), two_chain(), full_chain()] {
        let out = svg::to_svg(&chart, Engine::Builtin).unwrap();
        let text = svg_text(&out);
        // A page figure draws every mechanism, actor and outcome; a long list of
        // interventions or context factors it counts, with every label in the box's tooltip.
        for n in &chart.nodes {
            // "Kind: label" is drawn as the report writes it, "Kind — label".
            let label = n
                .label
                .replace(": ", " — ")
                .replace('&', "&amp;")
                .replace('"', "&quot;")
                .replace('\'', "&apos;");
            assert!(out.contains(&label), "{label:?} not in the SVG");
            if matches!(n.kind, NodeKind::Intervention | NodeKind::Context) {
                continue;
            }
            for word in n.label.replace(": ", " — ").split_whitespace() {
                assert!(text.contains(word), "{word:?} of {:?} not drawn", n.label);
            }
        }
        assert!(text.contains("ICAMO 1 — Benadering gericht op inburgeraars"));
        assert!(text.contains("interventies staan onder de figuur."));
    }
}

#[test]
fn builtin_svg_marks_contradicted_mechanisms() {
    let out = svg::to_svg_builtin(&two_chain());
    assert!(svg_text(&out).contains("Oordeel: ⚠ weersproken"));
    let group = out
        .split("<g>")
        .find(|g| g.contains("Leidt tot actiever en gerichter zoekgedrag"))
        .unwrap();
    assert!(group.contains("stroke=\"#C0392B\"") && group.contains("stroke-dasharray"));
}

/// The value of attribute `name` in the first element of `tag` at or after `from` in `svg`.
fn attr_after(svg: &str, from: usize, tag: &str, name: &str) -> f64 {
    let at = from + svg[from..].find(&format!("<{tag} ")).expect("the element");
    let element = &svg[at..at + svg[at..].find('>').unwrap()];
    let key = format!(" {name}=\"");
    let start = element
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {element}"))
        + key.len();
    let end = start + element[start..].find('"').unwrap();
    element[start..end].parse().unwrap()
}

/// The rectangle (x, y, w, h) of the first `<rect>` at or after `from`.
fn rect_after(svg: &str, from: usize) -> (f64, f64, f64, f64) {
    (
        attr_after(svg, from, "rect", "x"),
        attr_after(svg, from, "rect", "y"),
        attr_after(svg, from, "rect", "width"),
        attr_after(svg, from, "rect", "height"),
    )
}

/// The rectangle of the box whose tooltip starts with `label`.
fn box_of(svg: &str, label: &str) -> (f64, f64, f64, f64) {
    let at = svg
        .find(&format!("<title>{label}"))
        .unwrap_or_else(|| panic!("no box {label:?}"));
    rect_after(svg, at)
}

fn inside(inner: (f64, f64, f64, f64), outer: (f64, f64, f64, f64)) -> bool {
    inner.0 >= outer.0
        && inner.1 >= outer.1
        && inner.0 + inner.2 <= outer.0 + outer.2
        && inner.1 + inner.3 <= outer.1 + outer.3
}

#[test]
fn the_context_holds_for_the_configuration_not_for_its_last_mechanism() {
    let chart = build(&[ICAMO4]);
    let out = svg::to_svg_builtin(&chart);
    // The context is a band inside the frame round all the mechanisms, under its heading.
    let frame_at = out
        .find("<g class=\"mechanismen\" data-configuratie=\"icamo4\">")
        .expect("the mechanisms' frame");
    let frame = rect_after(&out, frame_at);
    let text = svg_text(&out);
    assert!(text.contains("Mechanismen"));
    assert!(text.contains("Context (geldt voor alle mechanismen)"));
    let context_at = out
        .find(">Context (geldt voor alle mechanismen)</text>")
        .expect("the context's heading");
    let context_at = out[..context_at].rfind("<g>").unwrap();
    let context = rect_after(&out, context_at);
    assert!(inside(context, frame), "{context:?} not in {frame:?}");
    for m in &chart.configurations[0].mechanisms {
        let label = &chart.nodes.iter().find(|n| &n.id == m).unwrap().label;
        assert!(
            inside(box_of(&out, label), frame),
            "{label} not in the frame"
        );
    }
    // No edge from the context box to any one mechanism: the only paths that start at the
    // context box's edge are none at all.
    let bottom = context.1 + context.3;
    assert!(
        !out.lines().filter(|l| l.starts_with("<path")).any(|l| l
            .contains(&format!("M{},", context.0 + context.2 / 2.0))
            || l.contains(&format!(",{bottom} "))),
        "a path leaves the context box"
    );
    // Mermaid ties the context to the mechanisms' subgraph, not to one node.
    let text = mermaid::to_mermaid(&chart);
    assert!(
        text.contains("    subgraph m0[\"Mechanismen\"]\n"),
        "{text}"
    );
    let tie = text
        .lines()
        .find(|l| l.contains(" -.- "))
        .expect("the context's tie");
    assert!(tie.ends_with(" -.- m0"), "{tie}");
}

#[test]
fn the_counter_mechanisms_edge_and_its_words_are_drawn_in_the_clear() {
    let out = svg::to_svg_builtin(&build(&[ICAMO4]));
    let edge = out
        .lines()
        .find(|l| l.starts_with("<path") && l.contains("class=\"werkt-tegen\""))
        .expect("the counter-mechanism's edge");
    assert!(edge.contains("stroke=\"#C0392B\"") && edge.contains("marker-end=\"url(#tegen)\""));
    // It ends on the outcome's left side, where no other edge ends.
    let outcome = box_of(&out, "Succesvolle inburgering");
    let d = edge
        .split("d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let end = d
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_start_matches(['M', 'L', 'C']);
    let (x, y) = end.split_once(',').unwrap();
    let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
    assert_eq!(x, outcome.0, "{edge}");
    assert!(y > outcome.1 && y < outcome.1 + outcome.3);
    let others = out
        .lines()
        .filter(|l| l.starts_with("<path") && l.contains(&format!("{x},")))
        .count();
    assert_eq!(
        others, 1,
        "another edge ends where the counter-mechanism's does"
    );
    // Its words, in red, after every edge, so none is drawn over them, and on no box.
    let label_at = out
        .find("<g class=\"werkt-tegen\">")
        .expect("the edge's words");
    assert!(out[label_at..].contains(">werkt tegen</text>"));
    assert!(!out[label_at..].contains("<path"));
    let words = rect_after(&out, label_at);
    for title in ["Succesvolle inburgering", "Taal leren en werken zitten"] {
        let b = box_of(&out, title);
        let apart = words.0 + words.2 <= b.0 || b.0 + b.2 <= words.0;
        assert!(apart, "the words overlap {title}");
    }
}

#[test]
fn each_verdict_is_drawn_its_own_way_with_a_key_in_the_legend() {
    use icamo::chain::verdict::{RULES, Subject};
    let mut chart = full_chain();
    // Every verdict once over the mechanisms, as chain::verdict gives them.
    let mut mechanisms: Vec<&mut Node> = chart
        .nodes
        .iter_mut()
        .filter(|n| n.kind == NodeKind::Mechanism)
        .collect();
    assert!(mechanisms.len() >= RULES.len());
    for (n, rule) in mechanisms.iter_mut().zip(&RULES) {
        n.verdict = Some(rule.verdict);
        n.contradicted = rule.verdict == Verdict::Contradicted;
    }
    let out = svg::to_svg_builtin(&chart);
    let mut looks = Vec::new();
    for rule in &RULES {
        let word = rule.verdict.word(Subject::Mechanism);
        // The key: a small box and the verdict's words.
        let key = out
            .split("<g class=\"legenda-oordeel\">")
            .skip(1)
            .find(|g| g.contains(&format!(">{word}</text>")))
            .unwrap_or_else(|| panic!("no key for {word}"));
        let look = |g: &str| {
            let rect = &g[g.find("<rect").unwrap()..];
            let rect = &rect[..rect.find("/>").unwrap()];
            let part = |k: &str| {
                rect.find(k)
                    .map(|i| rect[i..].split('"').nth(1).unwrap().to_string())
                    .unwrap_or_default()
            };
            (
                part(" fill="),
                part(" stroke="),
                part(" stroke-dasharray="),
                part(" stroke-width="),
            )
        };
        let drawn = look(key);
        // The box of a mechanism with that verdict is drawn the same way, and says it.
        let label = &chart
            .nodes
            .iter()
            .find(|n| n.verdict == Some(rule.verdict) && n.kind == NodeKind::Mechanism)
            .unwrap()
            .label;
        let group = out
            .split("<g>")
            .find(|g| g.contains(&format!("<title>{label}")))
            .unwrap();
        assert_eq!(look(group), drawn, "{word}");
        let said = strip_tags(group)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            said.contains(&format!("Oordeel: {word}"))
                || said.contains(&format!("Oordeel: ⚠ {word}")),
            "{word} not said in its box: {said}"
        );
        looks.push(drawn);
    }
    // Seven verdicts, seven looks: "omstreden" cannot pass for "herkend".
    let mut distinct = looks.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), looks.len(), "{looks:?}");
    // The counter-mechanism at work is keyed in its own words.
    assert!(out.contains(">tegenmechanisme doet zich voor</text>"));
}

#[test]
fn dot_engine_draws_svg_or_says_to_install_graphviz() {
    let chart = two_chain();
    match svg::to_svg_with_dot(&chart) {
        Ok(out) => {
            assert!(dot_available());
            let text = svg_text(&out);
            assert!(text.contains("Oordeel: ⚠ weersproken"));
            assert!(text.contains("Dualiteit"));
        }
        Err(e) => {
            assert!(!dot_available(), "{e}");
            assert!(e.to_string().contains("install Graphviz"), "{e}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// PNG

/// Whether the system has a font to draw PNG text with. Without one, PNG tests are skipped
/// with a message on a developer's machine; in CI (`CI` set) they must run, so they fail.
fn fonts_or_skip() -> bool {
    let mut db = resvg::usvg::fontdb::Database::new();
    db.load_system_fonts();
    if db.is_empty() && std::env::var_os("CI").is_none() {
        eprintln!(
            "skipped: no system font to draw PNG text with (apt-get install fonts-dejavu-core)"
        );
        return false;
    }
    true
}

#[test]
fn png_is_a_real_image_with_the_marks_in_red() {
    if !fonts_or_skip() {
        return;
    }
    let chart = icamo1();
    let bytes = png::to_png(&chart, Engine::Builtin).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let pixmap = Pixmap::decode_png(&bytes).unwrap();
    // Drawn at twice the SVG's size, which is a report page wide (about 600 pixels, so its
    // 12-pixel text prints at 9 points at 16 cm).
    assert!(
        (1150..=1240).contains(&pixmap.width()) && pixmap.height() > 1000,
        "{}×{}",
        pixmap.width(),
        pixmap.height()
    );
    // Text and borders were drawn: plenty of dark pixels.
    let dark = pixmap
        .pixels()
        .iter()
        .filter(|p| p.red() < 80 && p.green() < 80 && p.blue() < 80)
        .count();
    assert!(
        dark > 10_000,
        "only {dark} dark pixels: was the text drawn?"
    );
    // The contradicted mechanism is red; without it, nothing is.
    assert!(red_pixels(&bytes) > 500);
    let mut calm = icamo1();
    for n in &mut calm.nodes {
        n.contradicted = false;
        n.verdict = None;
    }
    let calm = png::svg_to_png(&svg::to_svg_builtin(&calm), 1.0).unwrap();
    assert_eq!(red_pixels(&calm), 0);
}

#[test]
fn png_through_dot_when_installed() {
    if !dot_available() || !fonts_or_skip() {
        return;
    }
    let bytes = png::to_png(&icamo1(), Engine::Dot).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let pixmap = Pixmap::decode_png(&bytes).unwrap();
    assert!(pixmap.width() > 1000 && pixmap.height() > 800);
    assert!(red_pixels(&bytes) > 500);
}

// ---------------------------------------------------------------------------------------------
// Mermaid

#[test]
fn mermaid_has_a_subgraph_per_configuration_and_escapes_quotes() {
    let chart = full_chain();
    let text = mermaid::to_mermaid(&chart);
    assert!(text.starts_with("flowchart LR\n"));
    assert_eq!(text.matches("\n  subgraph ").count(), 4);
    assert_eq!(text.matches("\n  end\n").count(), 4);
    assert!(text.contains("subgraph c0[\"ICAMO 1 — Benadering gericht op inburgeraars\"]"));
    // The quoted intervention label is escaped, and every label has exactly its two quotes.
    assert!(
        text.contains("Pilot #quot;van Opvang naar<br/>Werk#quot;"),
        "{text}"
    );
    assert!(text.contains("meet #amp;") && !text.contains("meet & "));
    for line in text.lines().filter(|l| l.contains("[\"")) {
        assert_eq!(line.matches('"').count(), 2, "{line}");
    }
    // The chain link stands outside every subgraph.
    let outside: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  n") && l.contains("Dualiteit"))
        .collect();
    assert_eq!(outside.len(), 1, "{text}");
    assert!(text.contains("<br/>"));
    let block = mermaid::to_mermaid_block(&chart);
    assert!(block.starts_with("```mermaid\nflowchart LR\n") && block.ends_with("```\n"));
}

#[test]
fn mermaid_marks_contradicted_and_counter_mechanisms() {
    let text = mermaid::to_mermaid(&two_chain());
    let id = text
        .lines()
        .find(|l| l.contains("M3 · Leidt tot actiever en"))
        .and_then(|l| l.trim().split('[').next())
        .unwrap()
        .to_string();
    assert!(text.contains("classDef weersproken"));
    assert!(text.contains(&format!("class {id} weersproken")), "{text}");
    assert!(text.contains("Oordeel: ⚠ weersproken"));
    assert!(text.contains("classDef tegenmechanisme"));
    assert!(text.contains("-.->|werkt tegen|"));
}

// ---------------------------------------------------------------------------------------------
// Determinism and edge cases

#[test]
fn two_calls_give_identical_bytes() {
    let chart = full_chain();
    assert_eq!(dot::to_dot(&chart), dot::to_dot(&chart));
    assert_eq!(svg::to_svg_builtin(&chart), svg::to_svg_builtin(&chart));
    assert_eq!(mermaid::to_mermaid(&chart), mermaid::to_mermaid(&chart));
    let small = svg::to_svg_builtin(&icamo1());
    assert_eq!(
        png::svg_to_png(&small, 0.5).unwrap(),
        png::svg_to_png(&small, 0.5).unwrap()
    );
    if dot_available() {
        assert_eq!(
            svg::to_svg_with_dot(&chart).unwrap(),
            svg::to_svg_with_dot(&chart).unwrap()
        );
    }
}

#[test]
fn an_empty_chart_still_renders() {
    let chart = build(&[]);
    graphviz_rust::parse(&dot::to_dot(&chart)).unwrap();
    let out = svg::to_svg_builtin(&chart);
    let mut reader = Reader::from_str(&out);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert!(out.contains("Geen configuraties"));
    assert!(png::to_png(&chart, Engine::Builtin).is_ok());
    assert_eq!(mermaid::to_mermaid(&chart).lines().count(), 9);
}

/// Charts the reference study does not have: no actors, no mechanisms, a cycle between
/// mechanisms, a dangling node id, a shared intervention beside own ones, a very long word.
#[test]
fn odd_charts_still_render() {
    let mut charts = Vec::new();
    // No actors: the interventions trigger the mechanisms themselves.
    let mut c = icamo1();
    c.configurations[0].actors.clear();
    charts.push(c);
    // No mechanisms: the interventions lead straight to the outcome.
    let mut c = two_chain();
    c.configurations[1].mechanisms.clear();
    c.configurations[1].counter_mechanisms.clear();
    charts.push(c);
    // A cycle: M2 leads back to M1.
    let mut c = icamo1();
    edge(
        &mut c,
        "icamo1/mech.motiveert",
        "icamo1/mech.gerichtere-ondersteuning",
        EdgeKind::LeadsTo,
        "icamo1",
    );
    charts.push(c);
    // A node the chart does not have, and a shared intervention beside own ones.
    let mut c = two_chain();
    c.configurations[0]
        .mechanisms
        .push("icamo1/mech.bestaat-niet".into());
    c.configurations[1]
        .interventions
        .push("icamo1/int.brede-intake".into());
    charts.push(c);
    // A word far longer than a line.
    let mut c = icamo1();
    c.nodes[0].label = "Arbeidsmarktparticipatieverklaringstrajectbegeleidingscommissie".into();
    charts.push(c);
    for chart in &charts {
        graphviz_rust::parse(&dot::to_dot(chart)).unwrap();
        svg_text(&svg::to_svg_builtin(chart));
        let text = mermaid::to_mermaid(chart);
        assert_eq!(
            text.matches("\n  subgraph ").count(),
            chart.configurations.len()
        );
        if dot_available() {
            svg_text(&svg::to_svg_with_dot(chart).unwrap());
        }
    }
}

/// Writes the figures of ICAMO 1 and the full chain as PNG (both engines) into
/// `$ICAMO_RENDER_CHECK` for a person to look at: `ICAMO_RENDER_CHECK=/tmp/render-check cargo
/// test --test tests render:: -- --ignored`.
#[test]
#[ignore]
fn write_figures_for_inspection() {
    let dir = std::env::var("ICAMO_RENDER_CHECK").unwrap_or("/tmp/render-check".into());
    std::fs::create_dir_all(&dir).unwrap();
    for (name, chart) in [("icamo1", icamo1()), ("keten", full_chain())] {
        std::fs::write(format!("{dir}/{name}.dot"), dot::to_dot(&chart)).unwrap();
        std::fs::write(format!("{dir}/{name}.mmd"), mermaid::to_mermaid(&chart)).unwrap();
        std::fs::write(
            format!("{dir}/{name}-builtin.svg"),
            svg::to_svg_builtin(&chart),
        )
        .unwrap();
        std::fs::write(
            format!("{dir}/{name}-builtin.png"),
            png::to_png(&chart, Engine::Builtin).unwrap(),
        )
        .unwrap();
        if dot_available() {
            std::fs::write(
                format!("{dir}/{name}-dot.svg"),
                svg::to_svg_with_dot(&chart).unwrap(),
            )
            .unwrap();
            std::fs::write(
                format!("{dir}/{name}-dot.png"),
                png::to_png(&chart, Engine::Dot).unwrap(),
            )
            .unwrap();
        }
    }
}

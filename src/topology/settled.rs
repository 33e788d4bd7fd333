//! "The cluster has settled", decided in one place: a pure predicate over the `CLUSTER NODES`
//! tables of the nodes a command waits on. Every wait asks it, with what it needs ([`Settled`]):
//! the run driver and `fix` after moving slots (`exec::run::wait_for_agreement`, through
//! `load::slot_maps_agree`), `create` after its MEETs (`exec::create`), and `add-node` after its
//! MEET (`exec::membership::wait_until_known`). The tables come from `load::load_tables`.

use super::NodeEntry;
use super::check::owner_map;

/// What a wait requires of every table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settled {
    /// Every table lists exactly this many nodes out of handshake (and with an address).
    pub members: Option<usize>,
    /// Those nodes must also not be flagged `pfail` or `fail`.
    pub none_failing: bool,
    /// Every table knows this node id.
    pub knows: Option<String>,
    /// Every table names the same owner for every slot.
    pub same_slot_map: bool,
    /// No node shows a slot of its own migrating or importing.
    pub no_open_slots: bool,
}

impl Settled {
    /// After slots moved: one slot map, nothing open.
    pub fn after_moves() -> Settled {
        Settled {
            same_slot_map: true,
            no_open_slots: true,
            ..Settled::default()
        }
    }

    /// Whether `tables` (one per node waited on; `None` for a node that did not answer) meet every
    /// requirement. A node that did not answer never has.
    pub fn holds(&self, tables: &[Option<Vec<NodeEntry>>]) -> bool {
        let Some(tables) = tables
            .iter()
            .map(Option::as_ref)
            .collect::<Option<Vec<_>>>()
        else {
            return false;
        };
        let members = |table: &Vec<NodeEntry>| {
            table
                .iter()
                .filter(|e| !e.flags.handshake && !e.flags.noaddr)
                .filter(|e| !self.none_failing || !(e.flags.pfail || e.flags.fail))
                .count()
        };
        let open = |table: &Vec<NodeEntry>| {
            table
                .iter()
                .filter(|e| e.flags.myself)
                .any(|me| !me.migrating.is_empty() || !me.importing.is_empty())
        };
        let each = tables.iter().all(|table| {
            self.members
                .is_none_or(|expected| members(table) == expected)
                && self
                    .knows
                    .as_ref()
                    .is_none_or(|id| table.iter().any(|e| &e.id == id))
                && !(self.no_open_slots && open(table))
        });
        let maps_agree = || {
            let maps: Vec<_> = tables.iter().map(|t| owner_map(t)).collect();
            maps.windows(2).all(|pair| pair[0] == pair[1])
        };
        each && (!self.same_slot_map || maps_agree())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::topology::parse::parse_cluster_nodes;

    fn table(text: &str) -> Option<Vec<NodeEntry>> {
        Some(parse_cluster_nodes(text).unwrap())
    }

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191\n\
                     bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 127.0.0.1:7001@17001 master - 0 0 2 connected 8192-16383\n";
    const B: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 127.0.0.1:7000@17000 master - 0 0 1 connected 0-8191\n\
                     bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 127.0.0.1:7001@17001 myself,master - 0 0 2 connected 8192-16383\n";
    const C: &str = "cccccccccccccccccccccccccccccccccccccccc";

    #[test]
    fn agreeing_tables_have_settled_and_a_silent_node_has_not() {
        let rule = Settled::after_moves();
        assert!(rule.holds(&[table(A), table(B)]));
        assert!(!rule.holds(&[table(A), None]));
    }

    #[test]
    fn another_owner_or_an_open_slot_is_not_settled() {
        let moved = B
            .replace("0-8191", "0-8190")
            .replace("8192-16383", "8191-16383");
        assert!(!Settled::after_moves().holds(&[table(A), table(&moved)]));
        let open = B.replace(
            "8192-16383",
            "8192-16383 [8192->-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]",
        );
        assert!(!Settled::after_moves().holds(&[table(A), table(&open)]));
        let only_maps = Settled {
            same_slot_map: true,
            ..Settled::default()
        };
        assert!(only_maps.holds(&[table(A), table(&open)]));
    }

    #[test]
    fn members_count_without_handshakes_and_failing_nodes_when_asked() {
        let with_new = format!("{A}{C} 127.0.0.1:7002@17002 handshake - 0 0 0 connected\n");
        let rule = Settled {
            members: Some(3),
            ..Settled::default()
        };
        assert!(!rule.holds(&[table(&with_new)]));
        let joined = format!("{A}{C} 127.0.0.1:7002@17002 master,fail? - 0 0 0 connected\n");
        assert!(rule.holds(&[table(&joined)]));
        let strict = Settled {
            none_failing: true,
            knows: Some(C.into()),
            ..rule
        };
        assert!(!strict.holds(&[table(&joined)]));
        assert!(strict.holds(&[table(&joined.replace("master,fail?", "master"))]));
    }
}

//! Numbered databases. Valkey 9 serves several in cluster mode (`cluster-databases N`); Redis in
//! cluster mode serves database 0 only. A slot is the union of every database: every count of a
//! node's keys or of a slot's keys goes through here.
//!
//! - [`Keyspace`]: a node's keys per database, from `INFO keyspace` (which lists exactly the
//!   databases that hold keys, on every server kind, without CONFIG rights).
//! - [`in_database`]: commands scoped to one database on a shared multiplexed connection. The rule
//!   that makes sharing safe: **a connection is always left in database 0**. A pipeline that selects
//!   another database ends with `SELECT 0`, and a pipeline is written to the socket as one piece, so
//!   no other caller's command runs between its `SELECT`s (a reply that times out is still read by
//!   the connection's driver, and the closing `SELECT 0` was already sent).
//!
//! Called by `NodeClient` (key counts), `exec::migrate` (the per-slot mover), `exec::handoff` (the
//! giver-is-empty test), `topology::load` (the view's key counts), and the key-copy engine
//! (`exec::import`).

use std::collections::BTreeMap;

/// A node's keys per database that holds any (`INFO keyspace`: `db3:keys=12,expires=0,avg_ttl=0`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Keyspace {
    /// Database number -> keys; databases without keys are absent.
    pub databases: BTreeMap<u16, u64>,
}

impl Keyspace {
    /// Reads an `INFO keyspace` (or full `INFO`) reply; lines it does not know are skipped.
    pub fn parse(info: &str) -> Keyspace {
        let databases = info
            .lines()
            .filter_map(|line| {
                let (name, fields) = line.trim().split_once(':')?;
                let db: u16 = name.strip_prefix("db")?.parse().ok()?;
                let keys: u64 = fields
                    .split(',')
                    .find_map(|field| field.strip_prefix("keys="))?
                    .parse()
                    .ok()?;
                Some((db, keys))
            })
            .filter(|(_, keys)| *keys > 0)
            .collect();
        Keyspace { databases }
    }

    /// Keys in every database.
    pub fn total(&self) -> u64 {
        self.databases.values().sum()
    }

    /// The databases that hold keys, in order.
    pub fn numbers(&self) -> Vec<u16> {
        self.databases.keys().copied().collect()
    }

    /// Databases other than 0 that hold keys: the ones a command must `SELECT`.
    pub fn others(&self) -> Vec<u16> {
        self.databases
            .keys()
            .copied()
            .filter(|db| *db != 0)
            .collect()
    }
}

/// The databases a cluster node serves, from `CONFIG GET cluster-databases`'s reply (`name value`
/// pairs): the value, or 1 when the server has no such setting (an empty reply, as Redis gives).
pub fn cluster_databases_of(reply: &[String]) -> u16 {
    reply
        .chunks(2)
        .find_map(|pair| match pair {
            [name, value] if name == "cluster-databases" => value.parse().ok(),
            _ => None,
        })
        .unwrap_or(1)
        .max(1)
}

/// Adds `add`'s commands to `pipe` so that they run in database `db`: between `SELECT db` and
/// `SELECT 0` when `db` is not 0 (the connection's resting database), as they are otherwise. The
/// `SELECT` replies are ignored; in a pipeline without `ignore_errors` a refused `SELECT` still fails
/// the whole pipeline, so the commands are never read as another database's replies.
pub fn in_database(pipe: &mut redis::Pipeline, db: u16, add: impl FnOnce(&mut redis::Pipeline)) {
    if db == 0 {
        add(pipe);
        return;
    }
    pipe.cmd("SELECT").arg(db).ignore();
    add(pipe);
    pipe.cmd("SELECT").arg(0).ignore();
}

/// `SELECT db`, for a pipeline with `ignore_errors` whose caller checks this reply itself (a refused
/// `SELECT` would leave the commands after it in database 0).
pub fn select(db: u16) -> redis::Cmd {
    let mut command = redis::cmd("SELECT");
    command.arg(db);
    command
}

#[cfg(test)]
mod tests {
    use super::Keyspace;

    #[test]
    fn keyspace_lists_databases_with_keys() {
        let info = "# Keyspace\r\ndb0:keys=300,expires=2,avg_ttl=10\r\ndb2:keys=40,expires=0,avg_ttl=0,subexpiry=0\r\ndb5:keys=0,expires=0,avg_ttl=0\r\n";
        let keyspace = Keyspace::parse(info);
        assert_eq!(keyspace.total(), 340);
        assert_eq!(keyspace.numbers(), vec![0, 2]);
        assert_eq!(keyspace.others(), vec![2]);
        assert_eq!(Keyspace::parse("# Keyspace\r\n").total(), 0);
    }

    #[test]
    fn cluster_databases_default_to_one() {
        use super::cluster_databases_of;
        let reply = |pairs: &[&str]| pairs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(cluster_databases_of(&reply(&["cluster-databases", "4"])), 4);
        assert_eq!(cluster_databases_of(&reply(&[])), 1);
        assert_eq!(cluster_databases_of(&reply(&["cluster-databases", "0"])), 1);
    }

    #[test]
    fn only_db_lines_are_read() {
        let info = "# Server\r\nredis_version:7.0.15\r\ndbfilename:dump.rdb\r\n# Keyspace\r\ndb1:keys=7,expires=0\r\n";
        assert_eq!(Keyspace::parse(info).numbers(), vec![1]);
    }
}

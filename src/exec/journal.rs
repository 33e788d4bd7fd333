//! The migration journal: one JSON line per event, written before the cluster is touched (the plan)
//! and as each slot completes, so `resume` can finish an interrupted run forward. Appends are flushed
//! and synced line by line; a torn last line (a crash mid-write) is ignored when reading.

use crate::plan::MovePlan;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One line of a journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Record {
    /// Written first: what will be moved, through which node.
    Start {
        command: String,
        seed: String,
        plan: MovePlan,
        /// Each master's slots and config epoch when the plan was made (absent in old journals).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        fingerprint: Vec<crate::plan::file::MasterPrint>,
        /// The engine options the run was started with, which `resume` inherits (absent in old
        /// journals).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        engine: Option<EngineOptions>,
    },
    /// A slot reached its target everywhere rcluster could tell.
    SlotDone { slot: u16 },
    /// A server-side migration task started (Redis 8.4+ `CLUSTER MIGRATION IMPORT`): its id and
    /// what it moves, so that `resume` can finish it and `fix` cancel it if this run dies.
    TaskStarted(LeftTask),
    /// That task ended: settled and its slots done, or cancelled on both sides.
    TaskEnded { id: String },
    /// Every move of the plan is done.
    Finished,
}

/// The engine options of a run, as its journal records them for `resume`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineOptions {
    /// `--rate`: keys per second over all sources, if throttled.
    #[serde(default)]
    pub rate: Option<u64>,
    pub pipeline: usize,
    pub window: usize,
    pub parallel: usize,
    pub migration: super::mover::MoverChoice,
    /// `--raise-node-timeout`.
    #[serde(default)]
    pub raise_node_timeout: bool,
    /// `--skip-big-keys`.
    #[serde(default)]
    pub skip_big_keys: bool,
}

impl EngineOptions {
    /// The engine options of `args`.
    pub fn of(args: &super::run::MoveOptions) -> EngineOptions {
        EngineOptions {
            rate: args.rate,
            pipeline: args.pipeline,
            window: args.window,
            parallel: args.parallel,
            migration: args.migration,
            raise_node_timeout: args.raise_node_timeout,
            skip_big_keys: args.skip_big_keys,
        }
    }
}

/// Which engine options a command line gave (the others a `resume` inherits from the journal).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GivenEngine {
    pub rate: bool,
    pub pipeline: bool,
    pub window: bool,
    pub parallel: bool,
    pub migration: bool,
    pub raise_node_timeout: bool,
    pub skip_big_keys: bool,
}

impl EngineOptions {
    /// `options` with what `given` does not give taken from this run's record. Returns the options
    /// and the inherited ones that differ from what `options` had, as flags (`--rate 2000`), for
    /// the message that says so.
    pub fn inherit(
        &self,
        mut options: super::run::MoveOptions,
        given: GivenEngine,
    ) -> (super::run::MoveOptions, Vec<String>) {
        let mut flags = Vec::new();
        if !given.rate && self.rate.is_some() && options.rate != self.rate {
            options.rate = self.rate;
            flags.push(format!("--rate {}", self.rate.unwrap_or_default()));
        }
        if !given.pipeline && options.pipeline != self.pipeline {
            options.pipeline = self.pipeline.max(1);
            flags.push(format!("--pipeline {}", options.pipeline));
        }
        if !given.window && options.window != self.window {
            options.window = self.window.max(1);
            flags.push(format!("--window {}", options.window));
        }
        if !given.parallel && options.parallel != self.parallel {
            options.parallel = self.parallel;
            flags.push(format!("--parallel {}", options.parallel));
        }
        if !given.migration && options.migration != self.migration {
            options.migration = self.migration;
            let name = serde_json::to_value(self.migration)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            flags.push(format!("--migration {name}"));
        }
        if !given.raise_node_timeout && self.raise_node_timeout && !options.raise_node_timeout {
            options.raise_node_timeout = true;
            flags.push("--raise-node-timeout".into());
        }
        if !given.skip_big_keys && self.skip_big_keys && !options.skip_big_keys {
            options.skip_big_keys = true;
            flags.push("--skip-big-keys".into());
        }
        (options, flags)
    }
}

/// A server-side task a run started: the id both sides know it by, the node ids of the source
/// and of the destination (where it was started), and its slots (`0-99 200`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftTask {
    pub id: String,
    pub source: String,
    pub target: String,
    pub slots: String,
}

/// An open journal being appended to.
pub struct Journal {
    pub path: PathBuf,
    file: Mutex<std::fs::File>,
}

/// What a journal says so far.
#[derive(Debug, Clone)]
pub struct JournalState {
    pub command: String,
    pub seed: String,
    pub plan: MovePlan,
    pub fingerprint: Vec<crate::plan::file::MasterPrint>,
    /// The run's engine options (`None` for journals written before they were recorded).
    pub engine: Option<EngineOptions>,
    pub done: HashSet<u16>,
    pub finished: bool,
    /// Server-side tasks started and not recorded as ended, in start order.
    pub tasks: Vec<LeftTask>,
}

impl JournalState {
    /// The moves not yet done, in plan order.
    pub fn remaining(&self) -> MovePlan {
        MovePlan {
            moves: self
                .plan
                .moves
                .iter()
                .filter(|m| !self.done.contains(&m.slot.number()))
                .cloned()
                .collect(),
        }
    }
}

/// Finished journals kept however old.
pub const KEEP_NEWEST: usize = 20;
/// Finished journals younger than this are kept however many.
pub const KEEP_YOUNGER_THAN: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// Removes finished journals of `dir` beyond the newest `keep` that are older than `max_age`;
/// unfinished ones (what `resume` and `fix` read) are always kept. Returns how many were removed.
pub fn prune(dir: &Path, keep: usize, max_age: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut finished: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .filter(|(_, path)| ends_finished(path))
        .collect();
    finished.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for (modified, path) in finished.into_iter().skip(keep) {
        let age = now.duration_since(modified).unwrap_or_default();
        if age > max_age && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// A finished journal in `dir` about one of `node_ids` written after `than` (by modification time):
/// a newer run changed the cluster after that journal's plan was made.
pub fn newer_finished(dir: &Path, node_ids: &[String], than: &Path) -> Option<PathBuf> {
    let since = std::fs::metadata(than).ok()?.modified().ok()?;
    let started = |path: &Path| -> Option<std::time::SystemTime> {
        // A journal's creation is its first line; the file's birth time is not portable, so the
        // name's millisecond stamp (`command-STAMP-pid.jsonl`) is used when present.
        let name = path.file_stem()?.to_str()?;
        let stamp: u64 = name.split('-').nth(1)?.parse().ok()?;
        Some(std::time::UNIX_EPOCH + std::time::Duration::from_millis(stamp))
    };
    let reference = started(than).unwrap_or(since);
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|path| {
            path != than
                && path.extension().is_some_and(|x| x == "jsonl")
                && started(path).is_some_and(|t| t > reference)
                && read(path).ok().flatten().is_some_and(|state| {
                    state.finished
                        && state
                            .plan
                            .moves
                            .iter()
                            .any(|m| node_ids.contains(&m.source) || node_ids.contains(&m.target))
                })
        })
}

/// `$XDG_STATE_HOME/rcluster/journals` or `~/.local/state/rcluster/journals`.
pub fn default_dir() -> PathBuf {
    super::state_dir().join("journals")
}

impl Journal {
    /// Creates a journal at `path` (or a new file in the default folder, pruning old finished ones
    /// there) and writes the plan with the fingerprint of the topology it was made from.
    pub fn create(
        path: Option<&Path>,
        command: &str,
        seed: &str,
        plan: &MovePlan,
        fingerprint: Vec<crate::plan::file::MasterPrint>,
    ) -> std::io::Result<Journal> {
        Journal::create_for_run(path, command, seed, plan, fingerprint, None)
    }

    /// [`Journal::create`], also recording the run's engine options for `resume`.
    pub fn create_for_run(
        path: Option<&Path>,
        command: &str,
        seed: &str,
        plan: &MovePlan,
        fingerprint: Vec<crate::plan::file::MasterPrint>,
        engine: Option<EngineOptions>,
    ) -> std::io::Result<Journal> {
        let path = match path {
            Some(path) => path.to_path_buf(),
            None => {
                let dir = default_dir();
                super::private::create_dir(&dir)?;
                // Reading every old journal is off the run's critical path: a thread of its own
                // (a run that ends first leaves the rest to the next run's prune).
                let old = dir.clone();
                std::thread::spawn(move || prune(&old, KEEP_NEWEST, KEEP_YOUNGER_THAN));
                let stamp = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis())
                    .unwrap_or_default();
                dir.join(format!("{command}-{stamp}-{}.jsonl", std::process::id()))
            }
        };
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&path)?;
        let journal = Journal {
            path,
            file: Mutex::new(file),
        };
        journal.append(&Record::Start {
            command: command.to_string(),
            seed: seed.to_string(),
            plan: plan.clone(),
            fingerprint,
            engine,
        })?;
        Ok(journal)
    }

    /// Reopens an existing journal to append to it (after ending a torn last line).
    pub fn reopen(path: &Path) -> std::io::Result<Journal> {
        let text = std::fs::read(path)?;
        let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
        if text.last().is_some_and(|&b| b != b'\n') {
            file.write_all(b"\n")?;
        }
        Ok(Journal {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    /// Appends one record and syncs it to disk.
    pub fn append(&self, record: &Record) -> std::io::Result<()> {
        self.append_all(std::slice::from_ref(record))
    }

    /// Appends `records` in one write and one sync (a window of slots done together).
    pub fn append_all(&self, records: &[Record]) -> std::io::Result<()> {
        let mut lines = Vec::new();
        for record in records {
            lines.extend(serde_json::to_vec(record).map_err(std::io::Error::other)?);
            lines.push(b'\n');
        }
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        file.write_all(&lines)?;
        file.sync_data()
    }
}

/// Reads a journal; `None` when it has no readable start record.
pub fn read(path: &Path) -> std::io::Result<Option<JournalState>> {
    read_from(std::io::BufReader::new(std::fs::File::open(path)?))
}

/// Reads a journal's lines: records after the first start record; unreadable lines are skipped
/// (a crash may cut the last one short).
pub fn read_from(reader: impl BufRead) -> std::io::Result<Option<JournalState>> {
    let mut state: Option<JournalState> = None;
    for line in reader.lines() {
        let Ok(record) = serde_json::from_str::<Record>(&line?) else {
            continue;
        };
        match (record, state.as_mut()) {
            (
                Record::Start {
                    command,
                    seed,
                    plan,
                    fingerprint,
                    engine,
                },
                None,
            ) => {
                state = Some(JournalState {
                    command,
                    seed,
                    plan,
                    fingerprint,
                    engine,
                    done: HashSet::new(),
                    finished: false,
                    tasks: Vec::new(),
                })
            }
            (Record::SlotDone { slot }, Some(state)) => {
                state.done.insert(slot);
            }
            (Record::TaskStarted(task), Some(state)) => state.tasks.push(task),
            (Record::TaskEnded { id }, Some(state)) => state.tasks.retain(|t| t.id != id),
            (Record::Finished, Some(state)) => state.finished = true,
            _ => {}
        }
    }
    Ok(state)
}

/// The newest unfinished journal in `dir` whose plan involves one of `node_ids`.
pub fn find_unfinished(dir: &Path, node_ids: &[String]) -> Option<(PathBuf, JournalState)> {
    let mut candidates: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    candidates.sort();
    candidates.into_iter().rev().find_map(|(_, path)| {
        if !starts_with_plan_of(&path, node_ids) {
            return None;
        }
        let state = read(&path).ok()??;
        (!state.finished).then_some((path, state))
    })
}

/// Whether the journal's last record is `Finished`, reading only its last few KiB.
fn ends_finished(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
    if file
        .seek(SeekFrom::Start(length.saturating_sub(4096)))
        .is_err()
    {
        return false;
    }
    let mut tail = String::new();
    if file.read_to_string(&mut tail).is_err() {
        return false;
    }
    tail.lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .and_then(|line| serde_json::from_str::<Record>(line).ok())
        == Some(Record::Finished)
}

/// Whether the journal's first record is a plan that moves slots of one of `node_ids`: only the first
/// line is read, so other clusters' journals (however long) cost one line each.
fn starts_with_plan_of(path: &Path, node_ids: &[String]) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut first = String::new();
    if std::io::BufReader::new(file).read_line(&mut first).is_err() {
        return false;
    }
    match serde_json::from_str::<Record>(&first) {
        Ok(Record::Start { plan, .. }) => plan
            .moves
            .iter()
            .any(|m| node_ids.contains(&m.source) || node_ids.contains(&m.target)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_engine_options_are_recorded_and_inherited_unless_given() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let plan = MovePlan { moves: vec![] };
        let engine = EngineOptions {
            rate: Some(2000),
            pipeline: 10,
            window: 256,
            parallel: 4,
            migration: crate::exec::mover::MoverChoice::Legacy,
            raise_node_timeout: true,
            skip_big_keys: false,
        };
        Journal::create_for_run(
            Some(&path),
            "reshard",
            "s",
            &plan,
            vec![],
            Some(engine.clone()),
        )
        .unwrap();
        let state = read(&path).unwrap().unwrap();
        assert_eq!(state.engine.as_ref(), Some(&engine));
        // A journal written before engine options were recorded still reads.
        let old = r#"{"event":"start","command":"reshard","seed":"s","plan":{"moves":[]}}"#;
        let state = read_from(std::io::Cursor::new(old)).unwrap().unwrap();
        assert_eq!(state.engine, None);

        let defaults = crate::exec::run::MoveOptions {
            plan_out: None,
            rate: None,
            journal: None,
            pipeline: 100,
            migrate_timeout: std::time::Duration::from_secs(60),
            replace: false,
            parallel: 4,
            migration: crate::exec::mover::MoverChoice::Auto,
            window: 256,
            max_time: None,
            left_beyond_plan: None,
            raise_node_timeout: false,
            skip_big_keys: false,
            observe: None,
        };
        let (options, flags) = engine.inherit(defaults.clone(), GivenEngine::default());
        assert_eq!(options.rate, Some(2000));
        assert_eq!(options.pipeline, 10);
        assert!(options.raise_node_timeout);
        assert_eq!(
            flags,
            [
                "--rate 2000",
                "--pipeline 10",
                "--migration legacy",
                "--raise-node-timeout"
            ]
        );
        let given = GivenEngine {
            rate: true,
            ..GivenEngine::default()
        };
        let mut faster = defaults;
        faster.rate = Some(9000);
        let (options, flags) = engine.inherit(faster, given);
        assert_eq!(options.rate, Some(9000), "given on the command line wins");
        assert_eq!(
            flags,
            [
                "--pipeline 10",
                "--migration legacy",
                "--raise-node-timeout"
            ]
        );
    }

    use super::*;

    #[test]
    fn pruning_keeps_the_newest_and_every_unfinished_journal() {
        let dir = tempfile::tempdir().unwrap();
        let plan = MovePlan { moves: Vec::new() };
        for i in 0..5 {
            let path = dir.path().join(format!("reshard-{i}-1.jsonl"));
            let journal = Journal::create(Some(&path), "reshard", "s", &plan, Vec::new()).unwrap();
            if i != 0 {
                journal.append(&Record::Finished).unwrap();
            }
        }
        assert_eq!(prune(dir.path(), 2, std::time::Duration::ZERO), 2);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 3, "2 newest finished + 1 unfinished");
        assert!(dir.path().join("reshard-0-1.jsonl").exists());
        assert_eq!(
            prune(dir.path(), 0, KEEP_YOUNGER_THAN),
            0,
            "young ones stay"
        );
    }
    use crate::plan::SlotMove;
    use crate::topology::Slot;

    #[test]
    fn records_survive_a_torn_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let plan = MovePlan {
            moves: (0..3)
                .map(|s| SlotMove::new(Slot::new(s).unwrap(), "a", "b"))
                .collect(),
        };
        let journal =
            Journal::create(Some(&path), "reshard", "127.0.0.1:7000", &plan, Vec::new()).unwrap();
        journal.append(&Record::SlotDone { slot: 1 }).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"event\":\"slot_do")
            .unwrap();
        let state = read(&path).unwrap().unwrap();
        assert_eq!(state.remaining().moves.len(), 2);
        assert!(!state.finished);
        let found = find_unfinished(dir.path(), &["b".to_string()]).unwrap();
        assert_eq!(found.0, path);
        assert!(find_unfinished(dir.path(), &["z".to_string()]).is_none());
    }

    #[test]
    fn a_task_is_left_until_its_end_is_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let plan = MovePlan::default();
        let journal = Journal::create(Some(&path), "reshard", "s", &plan, Vec::new()).unwrap();
        let task = |id: &str| LeftTask {
            id: id.to_string(),
            source: "a".into(),
            target: "b".into(),
            slots: "0-99,200".into(),
        };
        journal.append(&Record::TaskStarted(task("t1"))).unwrap();
        journal.append(&Record::TaskStarted(task("t2"))).unwrap();
        journal
            .append(&Record::TaskEnded { id: "t1".into() })
            .unwrap();
        let line = std::fs::read_to_string(&path).unwrap();
        assert!(
            line.contains(
                r#"{"event":"task_started","id":"t1","source":"a","target":"b","slots":"0-99,200"}"#
            ),
            "{line}"
        );
        assert_eq!(read(&path).unwrap().unwrap().tasks, vec![task("t2")]);
    }

    proptest::proptest! {
        /// A journal of valid records and garbage lines, in any order, cut anywhere: reading it never
        /// panics, and the slots it reports done are exactly the done records after the first start.
        #[test]
        fn fuzz_journals_never_panic(
            lines in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(0u32),
                    proptest::strategy::Just(1u32),
                    proptest::strategy::Just(2u32),
                    3u32..4,
                ],
                0..20,
            ),
            garbage in "\\PC{0,60}",
            slot in 0u16..20000,
            cut in 0usize..4000,
        ) {
            let start = serde_json::to_string(&Record::Start {
                command: "reshard".into(),
                seed: "127.0.0.1:1".into(),
                plan: MovePlan::default(),
                fingerprint: Vec::new(),
                engine: None,
            })
            .unwrap();
            let done = serde_json::to_string(&Record::SlotDone { slot }).unwrap();
            let finished = serde_json::to_string(&Record::Finished).unwrap();
            let text: String = lines
                .iter()
                .map(|kind| match kind {
                    0 => start.clone(),
                    1 => done.clone(),
                    2 => finished.clone(),
                    _ => garbage.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n");
            let cut = (0..=cut.min(text.len())).rev().find(|c| text.is_char_boundary(*c)).unwrap_or(0);
            let text = &text[..cut];
            let state = read_from(text.as_bytes()).unwrap();
            if let Some(state) = state {
                proptest::prop_assert!(state.done.is_empty() || state.done.contains(&slot));
            }
        }
    }
}

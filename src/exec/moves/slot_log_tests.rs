//! [`SlotLog`] with a recording reporter: every finished slot is in the journal before the reporter
//! hears of it, the events come in the order the slots finished, and a closed stdout stops the run.

use super::{SlotDone, SlotLog, endpoints_of};
use crate::exec::journal::{Journal, read};
use crate::plan::{MovePlan, SlotMove};
use crate::report::{Recorded, Recorder, Reporter};
use crate::topology::Slot;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A reporter that checks, at each event, that the slot is already in the journal.
struct JournalFirst {
    journal: std::path::PathBuf,
    recorder: Recorder,
}

impl Reporter for JournalFirst {
    fn event(&self, event: crate::report::Event<'_>) {
        if let crate::report::Event::SlotMoved(moved) = &event {
            let state = read(&self.journal).unwrap().unwrap();
            assert!(
                state.done.contains(&moved.slot),
                "slot {} reported before it was journalled",
                moved.slot
            );
        }
        self.recorder.event(event);
    }

    fn confirm(&self, question: &str) -> bool {
        self.recorder.confirm(question)
    }

    fn read_answer(&self, prompt: &str) -> Option<String> {
        self.recorder.read_answer(prompt)
    }

    fn read_password(&self, prompt: &str) -> std::io::Result<String> {
        self.recorder.read_password(prompt)
    }

    fn output_closed(&self) -> bool {
        self.recorder.output_closed()
    }
}

#[test]
fn a_window_is_journalled_then_reported_in_order() {
    let view = crate::topology::fixtures::view("healthy_3m3r.txt", &[], &[]);
    let endpoints = endpoints_of(&view);
    let id_at = |port: u16| {
        endpoints
            .values()
            .find(|e| e.address.port == port)
            .unwrap()
            .clone()
    };
    let (source, target) = (id_at(42002), id_at(42001));
    let slots = [5461u16, 5462, 5463];
    let plan = MovePlan {
        moves: slots
            .iter()
            .map(|&slot| SlotMove {
                slot: Slot::new(u64::from(slot)).unwrap(),
                source: source.id.clone(),
                target: target.id.clone(),
            })
            .collect(),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reshard.jsonl");
    let journal =
        Journal::create(Some(&path), "reshard", "127.0.0.1:42001", &plan, vec![]).unwrap();
    let ui = Arc::new(JournalFirst {
        journal: path.clone(),
        recorder: Recorder::new(),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let log = SlotLog::new(Arc::new(journal), ui.clone(), stop.clone());

    let done = |slot: u16, keys: u64| SlotDone {
        slot,
        source: source.address.to_string(),
        target: target.address.to_string(),
        keys,
    };
    log.slots_done(&[done(5461, 3), done(5462, 0)], &source, &target);
    log.slot_done(&done(5463, 7), &source, &target);

    let moved = |slot: u16, keys: u64| Recorded::SlotMoved {
        slot,
        source: "127.0.0.1:42002".into(),
        target: "127.0.0.1:42001".into(),
        keys,
    };
    assert_eq!(
        ui.recorder.events(),
        vec![moved(5461, 3), moved(5462, 0), moved(5463, 7)]
    );
    assert!(
        !stop.load(Ordering::SeqCst),
        "stdout is open: the run goes on"
    );
    let state = read(&path).unwrap().unwrap();
    assert_eq!(state.done.len(), 3);
    assert!(state.remaining().moves.is_empty());

    // `| head` went away: the next finished window stops the run.
    ui.recorder.close_output();
    log.slot_done(&done(5464, 1), &source, &target);
    assert!(stop.load(Ordering::SeqCst), "a closed stdout stops the run");
    assert_eq!(ui.recorder.progress().last(), Some(&moved(5464, 1)));
}

#[test]
fn the_recorder_answers_from_its_script() {
    let recorder = Recorder::answering(&["yes", "no", "42"]);
    recorder.step("Performing Cluster Check");
    assert!(recorder.confirm("Can I set the above configuration?"));
    assert!(!recorder.confirm("Move the slots as planned?"));
    assert_eq!(
        recorder
            .read_answer("How many slots do you want to move? ")
            .as_deref(),
        Some("42")
    );
    assert!(!recorder.confirm("again?"), "no answer left: declined");
    recorder.warn("careful");
    assert_eq!(
        recorder.progress(),
        vec![
            Recorded::Step("Performing Cluster Check".into()),
            Recorded::Warning("careful".into())
        ]
    );
    assert_eq!(recorder.events().len(), 6);
}

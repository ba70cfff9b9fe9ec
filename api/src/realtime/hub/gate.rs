//! A room's ordering gate on this instance: the last seq delivered to its local
//! subscribers, and the events that arrived early. A seq at or below the cursor is a
//! duplicate and dropped; the next one is delivered along with any buffered run after it;
//! a later one waits in the buffer until its hole is filled (by pub/sub or the log).

use std::collections::BTreeMap;

use crate::realtime::frame::EventFrame;

#[derive(Default)]
pub struct Gate {
    /// None until the room's head is known (the bus subscription is being set up).
    cursor: Option<i64>,
    pending: BTreeMap<i64, EventFrame>,
}

impl Gate {
    pub fn cursor(&self) -> Option<i64> {
        self.cursor
    }

    /// True when an event is waiting for an earlier one.
    pub fn has_gap(&self) -> bool {
        self.cursor.is_some() && !self.pending.is_empty()
    }

    /// The head is known: deliver from it. Returns what is now deliverable, in order.
    pub fn open(&mut self, head: i64) -> Vec<EventFrame> {
        self.cursor = Some(head);
        let buffered = std::mem::take(&mut self.pending);
        let mut ready = Vec::new();
        for frame in buffered.into_values() {
            ready.extend(self.accept(frame));
        }
        ready
    }

    /// Takes one event; returns the events now deliverable, in seq order.
    pub fn accept(&mut self, frame: EventFrame) -> Vec<EventFrame> {
        let Some(mut cursor) = self.cursor else {
            self.pending.insert(frame.seq, frame);
            return Vec::new();
        };
        if frame.seq <= cursor {
            return Vec::new();
        }
        self.pending.insert(frame.seq, frame);
        let mut ready = Vec::new();
        while let Some(entry) = self.pending.first_entry() {
            if *entry.key() != cursor + 1 {
                break;
            }
            cursor += 1;
            ready.push(entry.remove());
        }
        self.cursor = Some(cursor);
        ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn frame(seq: i64) -> EventFrame {
        EventFrame {
            room_id: Uuid::nil(),
            seq,
            left_user: None,
            text: format!("e{seq}").into(),
        }
    }

    fn seqs(frames: Vec<EventFrame>) -> Vec<i64> {
        frames.into_iter().map(|f| f.seq).collect()
    }

    #[test]
    fn events_before_the_head_is_known_wait_then_only_those_after_it_go_out_in_order() {
        let mut gate = Gate::default();
        assert!(gate.accept(frame(6)).is_empty());
        assert!(gate.accept(frame(4)).is_empty());
        assert!(gate.accept(frame(5)).is_empty());
        assert!(!gate.has_gap(), "no cursor yet: nothing can be a gap");
        // Head 4: seq 4 was already in the log at subscribe time, 5 and 6 follow it.
        assert_eq!(seqs(gate.open(4)), [5, 6]);
        assert_eq!(gate.cursor(), Some(6));
    }

    #[test]
    fn duplicates_are_dropped_and_a_hole_holds_later_events_until_it_is_filled() {
        let mut gate = Gate::default();
        assert!(gate.open(10).is_empty());
        assert_eq!(seqs(gate.accept(frame(11))), [11]);
        assert!(gate.accept(frame(11)).is_empty(), "a duplicate");
        assert!(gate.accept(frame(9)).is_empty(), "an old one");
        assert!(gate.accept(frame(13)).is_empty(), "12 is missing");
        assert!(gate.accept(frame(14)).is_empty());
        assert!(gate.has_gap());
        assert_eq!(seqs(gate.accept(frame(12))), [12, 13, 14]);
        assert!(!gate.has_gap());
        assert_eq!(gate.cursor(), Some(14));
    }

    #[test]
    fn a_back_fill_that_overlaps_what_was_delivered_delivers_each_event_once() {
        let mut gate = Gate::default();
        gate.open(0);
        assert_eq!(seqs(gate.accept(frame(1))), [1]);
        gate.accept(frame(3));
        // The back-fill reads the log after the cursor: 2 and 3 (3 again).
        let mut out = seqs(gate.accept(frame(2)));
        out.extend(seqs(gate.accept(frame(3))));
        assert_eq!(out, [2, 3]);
    }
}

//! Hash slots: the `Slot` newtype, `SlotSet` (a 16384-bit set with redis-cli's range rendering) and
//! `key_slot()`, the CRC16/XMODEM key-to-slot mapping with `{hash tag}` support.
//!
//! Pure values used by the parser, the checks and every planner.

use serde::{Serialize, Serializer};
use std::fmt;

/// Number of hash slots in a Redis Cluster.
pub const SLOT_COUNT: u16 = 16384;

/// One hash slot, always below [`SLOT_COUNT`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Slot(u16);

impl Slot {
    /// The slot numbered `number`, or `None` when it is out of range.
    pub fn new(number: u64) -> Option<Slot> {
        (number < u64::from(SLOT_COUNT)).then_some(Slot(number as u16))
    }

    /// The slot's number.
    pub fn number(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::str::FromStr for Slot {
    type Err = String;
    fn from_str(text: &str) -> Result<Slot, String> {
        text.trim()
            .parse::<u64>()
            .ok()
            .and_then(Slot::new)
            .ok_or_else(|| format!("invalid slot '{text}': expected a number from 0 to 16383"))
    }
}

/// The slot a key hashes to: CRC16/XMODEM of the key, or of the first non-empty `{tag}`, mod 16384.
pub fn key_slot(key: &[u8]) -> Slot {
    let hashed = match key.iter().position(|&b| b == b'{') {
        Some(open) => match key[open + 1..].iter().position(|&b| b == b'}') {
            Some(len) if len > 0 => &key[open + 1..open + 1 + len],
            _ => key,
        },
        None => key,
    };
    Slot(crc16::State::<crc16::XMODEM>::calculate(hashed) & (SLOT_COUNT - 1))
}

const WORDS: usize = SLOT_COUNT as usize / 64;

/// A set of slots, stored as a bitmap.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SlotSet {
    bits: Box<[u64; WORDS]>,
}

impl Default for SlotSet {
    fn default() -> Self {
        SlotSet {
            bits: Box::new([0; WORDS]),
        }
    }
}

impl SlotSet {
    /// An empty set.
    pub fn new() -> SlotSet {
        SlotSet::default()
    }

    /// Every slot from `first` to `last`, both included.
    pub fn from_range(first: Slot, last: Slot) -> SlotSet {
        let mut set = SlotSet::new();
        set.insert_range(first, last);
        set
    }

    /// Every slot.
    pub fn full() -> SlotSet {
        SlotSet::from_range(Slot(0), Slot(SLOT_COUNT - 1))
    }

    pub fn insert(&mut self, slot: Slot) {
        self.bits[slot.0 as usize / 64] |= 1 << (slot.0 % 64);
    }

    pub fn remove(&mut self, slot: Slot) {
        self.bits[slot.0 as usize / 64] &= !(1 << (slot.0 % 64));
    }

    /// Adds `first..=last`; does nothing when `first > last`.
    pub fn insert_range(&mut self, first: Slot, last: Slot) {
        for number in first.0..=last.0 {
            self.insert(Slot(number));
        }
    }

    pub fn contains(&self, slot: Slot) -> bool {
        self.bits[slot.0 as usize / 64] & (1 << (slot.0 % 64)) != 0
    }

    /// Number of slots in the set.
    pub fn len(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }

    /// Adds every slot of `other`.
    pub fn union_with(&mut self, other: &SlotSet) {
        for (mine, theirs) in self.bits.iter_mut().zip(other.bits.iter()) {
            *mine |= theirs;
        }
    }

    /// The slots in `self` and not in `other`.
    pub fn difference(&self, other: &SlotSet) -> SlotSet {
        let mut out = self.clone();
        for (mine, theirs) in out.bits.iter_mut().zip(other.bits.iter()) {
            *mine &= !theirs;
        }
        out
    }

    /// The slots in both sets.
    pub fn intersection(&self, other: &SlotSet) -> SlotSet {
        let mut out = self.clone();
        for (mine, theirs) in out.bits.iter_mut().zip(other.bits.iter()) {
            *mine &= theirs;
        }
        out
    }

    /// The slots not in the set.
    pub fn complement(&self) -> SlotSet {
        SlotSet::full().difference(self)
    }

    /// Slots in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = Slot> + '_ {
        (0..SLOT_COUNT).map(Slot).filter(|&s| self.contains(s))
    }

    /// Maximal runs of consecutive slots, ascending, as `(first, last)`.
    pub fn ranges(&self) -> Vec<(Slot, Slot)> {
        let mut ranges: Vec<(Slot, Slot)> = Vec::new();
        for slot in self.iter() {
            match ranges.last_mut() {
                Some((_, last)) if last.0 + 1 == slot.0 => *last = slot,
                _ => ranges.push((slot, slot)),
            }
        }
        ranges
    }

    /// redis-cli's rendering: `[0-5460],[5462]`; empty string for an empty set.
    pub fn to_bracketed(&self) -> String {
        self.ranges()
            .iter()
            .map(|(a, b)| {
                if a == b {
                    format!("[{a}]")
                } else {
                    format!("[{a}-{b}]")
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Compact rendering without brackets: `0-5460,5462`.
    pub fn to_compact(&self) -> String {
        self.ranges()
            .iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl FromIterator<Slot> for SlotSet {
    fn from_iter<I: IntoIterator<Item = Slot>>(iter: I) -> SlotSet {
        let mut set = SlotSet::new();
        for slot in iter {
            set.insert(slot);
        }
        set
    }
}

impl fmt::Debug for SlotSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SlotSet({})", self.to_compact())
    }
}

/// JSON form: a list of `[first, last]` pairs.
impl Serialize for SlotSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let pairs: Vec<[u16; 2]> = self.ranges().iter().map(|(a, b)| [a.0, b.0]).collect();
        pairs.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(n: u64) -> Slot {
        Slot::new(n).unwrap()
    }

    #[test]
    fn key_slot_matches_redis_examples() {
        // Values from CLUSTER KEYSLOT on a real server.
        assert_eq!(key_slot(b"foo").number(), 12182);
        assert_eq!(key_slot(b"bar").number(), 5061);
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"user1000"));
        assert_eq!(key_slot(b"foo{}{bar}"), key_slot(b"foo{}{bar}"));
        assert_ne!(key_slot(b"foo{}{bar}"), key_slot(b"bar"));
        assert_eq!(key_slot(b"foo{{bar}}zap"), key_slot(b"{bar"));
        assert_eq!(key_slot(b""), slot(0));
    }

    #[test]
    fn slot_bounds() {
        assert!(Slot::new(16383).is_some());
        assert!(Slot::new(16384).is_none());
        assert!("16384".parse::<Slot>().is_err());
        assert!("x".parse::<Slot>().is_err());
        assert_eq!("42".parse::<Slot>(), Ok(slot(42)));
    }

    #[test]
    fn ranges_render_like_redis_cli() {
        let mut set = SlotSet::from_range(slot(6), slot(5463));
        set.insert(slot(2));
        set.insert_range(slot(10923), slot(10924));
        assert_eq!(set.to_bracketed(), "[2],[6-5463],[10923-10924]");
        assert_eq!(set.to_compact(), "2,6-5463,10923-10924");
        assert_eq!(set.len(), 5458 + 1 + 2);
        assert_eq!(SlotSet::new().to_bracketed(), "");
        assert_eq!(SlotSet::full().len(), 16384);
        assert_eq!(set.complement().len(), 16384 - set.len());
    }

    #[test]
    fn set_algebra() {
        let a = SlotSet::from_range(slot(0), slot(9));
        let b = SlotSet::from_range(slot(5), slot(14));
        assert_eq!(a.intersection(&b).to_compact(), "5-9");
        assert_eq!(a.difference(&b).to_compact(), "0-4");
        let mut u = a.clone();
        u.union_with(&b);
        assert_eq!(u.to_compact(), "0-14");
        assert_eq!(
            serde_json::to_string(&u.difference(&SlotSet::from_range(slot(3), slot(3)))).unwrap(),
            "[[0,2],[4,14]]"
        );
    }
}

//! Hash slots: the `Slot` newtype, `SlotSet` (a 16384-bit set with redis-cli's range rendering and
//! the one slot-range parser: strict [`parse_slot_range`] and `str::parse::<SlotSet>` for what a
//! user or a file writes, [`SlotSet::read_ranges`] on top of them for a server's reply) and
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

/// Reads a slot number, refusing numbers out of range.
impl<'de> serde::Deserialize<'de> for Slot {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Slot, D::Error> {
        let number = u64::deserialize(deserializer)?;
        Slot::new(number).ok_or_else(|| {
            serde::de::Error::custom(format!("slot {number} is out of range (0-16383)"))
        })
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

/// One range, `a` or `a-b` (`a` not above `b`), as a user, a file or a server writes it.
pub fn parse_slot_range(text: &str) -> Result<(Slot, Slot), String> {
    let text = text.trim();
    let (first, last) = text.split_once('-').unwrap_or((text, text));
    let (first, last): (Slot, Slot) = (first.parse()?, last.parse()?);
    if first > last {
        return Err(format!("slot range '{text}' runs backwards"));
    }
    Ok((first, last))
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

/// A set of slots, stored as sorted, disjoint, non-adjacent inclusive ranges (a node usually owns a
/// handful of ranges, so this stays small even in views of hundreds of nodes).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct SlotSet {
    ranges: Vec<(u16, u16)>,
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
        self.insert_range(slot, slot);
    }

    pub fn remove(&mut self, slot: Slot) {
        *self = self.difference(&SlotSet::from_range(slot, slot));
    }

    /// Adds `first..=last`; does nothing when `first > last`.
    pub fn insert_range(&mut self, first: Slot, last: Slot) {
        if first > last {
            return;
        }
        let (mut low, mut high) = (first.0, last.0);
        // Ranges that overlap or touch [low, high] are merged into it.
        let start = self.ranges.partition_point(|&(_, b)| b + 1 < low);
        let end = self
            .ranges
            .partition_point(|&(a, _)| a <= high.saturating_add(1));
        if start < end {
            low = low.min(self.ranges[start].0);
            high = high.max(self.ranges[end - 1].1);
        }
        self.ranges.splice(start..end, [(low, high)]);
    }

    pub fn contains(&self, slot: Slot) -> bool {
        let index = self.ranges.partition_point(|&(_, b)| b < slot.0);
        self.ranges.get(index).is_some_and(|&(a, _)| a <= slot.0)
    }

    /// Number of slots in the set.
    pub fn len(&self) -> usize {
        self.ranges
            .iter()
            .map(|&(a, b)| usize::from(b - a) + 1)
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Adds every slot of `other`.
    pub fn union_with(&mut self, other: &SlotSet) {
        for &(a, b) in &other.ranges {
            self.insert_range(Slot(a), Slot(b));
        }
    }

    /// The slots in both sets.
    pub fn intersection(&self, other: &SlotSet) -> SlotSet {
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = self.ranges[i];
            let (c, d) = other.ranges[j];
            let (low, high) = (a.max(c), b.min(d));
            if low <= high {
                out.push((low, high));
            }
            if b < d { i += 1 } else { j += 1 }
        }
        SlotSet { ranges: out }
    }

    /// The slots not in the set.
    pub fn complement(&self) -> SlotSet {
        let mut out = Vec::new();
        let mut next = 0u16;
        for &(a, b) in &self.ranges {
            if a > next {
                out.push((next, a - 1));
            }
            next = b + 1;
        }
        if next < SLOT_COUNT {
            out.push((next, SLOT_COUNT - 1));
        }
        SlotSet { ranges: out }
    }

    /// The slots in `self` and not in `other`.
    pub fn difference(&self, other: &SlotSet) -> SlotSet {
        self.intersection(&other.complement())
    }

    /// Slots in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = Slot> + '_ {
        self.ranges.iter().flat_map(|&(a, b)| (a..=b).map(Slot))
    }

    /// Maximal runs of consecutive slots, ascending, as `(first, last)`.
    pub fn ranges(&self) -> Vec<(Slot, Slot)> {
        self.ranges
            .iter()
            .map(|&(a, b)| (Slot(a), Slot(b)))
            .collect()
    }

    /// redis-cli's rendering: `[0-5460],[5462]`; empty string for an empty set.
    pub fn to_bracketed(&self) -> String {
        self.render(|text| format!("[{text}]"))
    }

    /// Compact rendering without brackets: `0-5460,5462`.
    pub fn to_compact(&self) -> String {
        self.render(|text| text)
    }

    fn render(&self, wrap: impl Fn(String) -> String) -> String {
        self.ranges
            .iter()
            .map(|&(a, b)| {
                wrap(if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                })
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Ranges separated by commas, as [`SlotSet::to_compact`] prints them (`0-99,5000`; blanks around
/// a range are ignored): strict, the first range that does not read is the error.
impl std::str::FromStr for SlotSet {
    type Err = String;
    fn from_str(text: &str) -> Result<SlotSet, String> {
        let mut slots = SlotSet::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let (first, last) = parse_slot_range(part)?;
            slots.insert_range(first, last);
        }
        Ok(slots)
    }
}

impl SlotSet {
    /// A server's list of ranges (`0-99 200-299 5`, separated by blanks or commas): a token that is
    /// not a range ([`parse_slot_range`]) is skipped, so a reply is read as far as it can be.
    pub fn read_ranges(text: &str) -> SlotSet {
        let mut slots = SlotSet::new();
        for token in text.split([' ', ',']).filter(|t| !t.is_empty()) {
            if let Ok((first, last)) = parse_slot_range(token) {
                slots.insert_range(first, last);
            }
        }
        slots
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
        let pairs: Vec<[u16; 2]> = self.ranges.iter().map(|&(a, b)| [a, b]).collect();
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

    proptest::proptest! {
        #[test]
        fn range_set_matches_a_naive_set(ops in proptest::collection::vec((0u64..16384, 0u64..40, proptest::bool::ANY), 0..40)) {
            let mut set = SlotSet::new();
            let mut naive = std::collections::BTreeSet::new();
            for (first, len, add) in ops {
                let last = (first + len).min(16383);
                if add {
                    set.insert_range(slot(first), slot(last));
                    naive.extend(first..=last);
                } else {
                    set.remove(slot(first));
                    naive.remove(&first);
                }
            }
            proptest::prop_assert_eq!(set.len(), naive.len());
            proptest::prop_assert_eq!(set.iter().map(|s| u64::from(s.number())).collect::<Vec<_>>(), naive.iter().copied().collect::<Vec<_>>());
            proptest::prop_assert_eq!(set.complement().len(), 16384 - naive.len());
            for probe in [0u64, 1, 100, 8000, 16383] {
                proptest::prop_assert_eq!(set.contains(slot(probe)), naive.contains(&probe));
            }
            proptest::prop_assert!(set.ranges.windows(2).all(|w| w[0].1 + 1 < w[1].0));
        }
    }

    #[test]
    fn ranges_parse_strictly_for_users_and_leniently_for_servers() {
        assert_eq!(
            "0-99, 5000".parse::<SlotSet>().unwrap().to_compact(),
            "0-99,5000"
        );
        assert_eq!("".parse::<SlotSet>(), Ok(SlotSet::new()));
        assert!(
            "5-3"
                .parse::<SlotSet>()
                .unwrap_err()
                .contains("runs backwards")
        );
        assert!("0-16384".parse::<SlotSet>().is_err());
        assert!(
            "0-99 200".parse::<SlotSet>().is_err(),
            "blanks do not separate"
        );
        assert!("x".parse::<SlotSet>().is_err());
        assert_eq!(parse_slot_range("7"), Ok((slot(7), slot(7))));
        assert_eq!(
            SlotSet::read_ranges("0-99 200-299,5 junk 9-8 16384").to_compact(),
            "0-99,200-299"
        );
        assert_eq!(SlotSet::read_ranges("5").to_compact(), "5");
    }

    proptest::proptest! {
        #[test]
        fn compact_ranges_read_back(ranges in proptest::collection::vec((0u64..16384, 0u64..300), 0..30)) {
            let mut set = SlotSet::new();
            for (first, len) in ranges {
                set.insert_range(slot(first), slot((first + len).min(16383)));
            }
            let compact = set.to_compact();
            proptest::prop_assert_eq!(compact.parse::<SlotSet>(), Ok(set.clone()));
            proptest::prop_assert_eq!(SlotSet::read_ranges(&compact), set.clone());
            proptest::prop_assert_eq!(SlotSet::read_ranges(&compact.replace(',', " ")), set);
        }
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

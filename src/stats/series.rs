// SPDX-License-Identifier: GPL-3.0-or-later
//! [`Series`]: the fixed-capacity ring buffer behind every graph, one point per tick.
//!
//! A tick without a value (first sample, counter reset, guest stopped, metric switched off)
//! is stored as a **gap**, `None`, never as NaN, infinity or a made-up zero: a graph breaks
//! its line there and the scale ignores it. Storage is `Option<f32>` (8 bytes a point: about
//! 6.7 KiB per guest for seven 120-point series, allocated with a series' first value),
//! chosen over an in-band sentinel so that no reader can mistake a gap for a value.

/// Points kept when no capacity is given: two minutes at the default 1 s tick.
pub const DEFAULT_CAPACITY: usize = 120;

/// A ring buffer of `f32` points with gaps; the oldest point falls off when full.
///
/// A series of gaps only is kept as its length alone: its buffer is neither allocated nor
/// written until a value arrives. Guests without counters (libvirt's test driver, a metric
/// switched off) then cost a counter increment per tick and no memory.
#[derive(Debug, Clone)]
pub struct Series {
    /// The stored points while any is a value; stale (never read) while `values` is 0.
    points: Vec<Option<f32>>,
    /// Where the next point goes once the buffer is full (= the oldest point).
    head: usize,
    /// Points stored, gaps included.
    len: usize,
    capacity: usize,
    /// How many stored points are values (not gaps).
    values: usize,
}

impl Default for Series {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl PartialEq for Series {
    /// Same capacity and the same points, however they are stored.
    fn eq(&self, other: &Self) -> bool {
        self.capacity == other.capacity && self.iter().eq(other.iter())
    }
}

impl Series {
    /// An empty series of `capacity` points (at least one).
    pub fn new(capacity: usize) -> Self {
        Series {
            points: Vec::new(),
            head: 0,
            len: 0,
            capacity: capacity.max(1),
            values: 0,
        }
    }

    /// Appends a point. `None`, NaN, ±∞ and values beyond `f32`'s range become a gap.
    pub fn push(&mut self, value: Option<f64>) {
        let point = value.map(|v| v as f32).filter(|v| v.is_finite());
        if self.values == 0 {
            if point.is_none() {
                // Gaps only: the length says it all.
                self.len = (self.len + 1).min(self.capacity);
                return;
            }
            // The first value: lay the gaps out (all alike, so the oldest can be slot 0).
            self.points.clear();
            self.points.reserve_exact(self.capacity);
            self.points.resize(self.len, None);
            self.head = 0;
        }
        self.values += usize::from(point.is_some());
        if self.len < self.capacity {
            self.points.push(point);
            self.len += 1;
        } else {
            let old = std::mem::replace(&mut self.points[self.head], point);
            self.values -= usize::from(old.is_some());
            self.head = (self.head + 1) % self.capacity;
        }
    }

    /// Appends a gap.
    pub fn push_gap(&mut self) {
        self.push(None);
    }

    /// Whether any stored point is a value (not a gap): a series of gaps draws nothing.
    pub fn has_values(&self) -> bool {
        self.values > 0
    }

    /// Points stored (≤ capacity).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Points from oldest to newest; `None` is a gap.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Option<f32>> + ExactSizeIterator + '_ {
        let n = self.len;
        // Gaps only: the buffer is not read. While filling, head is 0; once full it
        // indexes the oldest point.
        let points = if self.values == 0 {
            &[][..]
        } else {
            &self.points[..]
        };
        (0..n).map(move |i| points.get((self.head + i) % n).copied().flatten())
    }

    /// The newest point, if there is one and it is not a gap.
    pub fn latest(&self) -> Option<f32> {
        self.iter().next_back().flatten()
    }

    /// The largest value among the newest `last` points (all points if `last` ≥ len), gaps
    /// ignored: what the axis must fit.
    pub fn max_recent(&self, last: usize) -> Option<f32> {
        self.iter()
            .rev()
            .take(last)
            .flatten()
            .fold(None, |m: Option<f32>, v| Some(m.map_or(v, |m| m.max(v))))
    }

    /// The largest value stored, gaps ignored.
    pub fn max(&self) -> Option<f32> {
        self.max_recent(self.capacity)
    }

    /// Forgets every point (e.g. when the connection is re-established).
    pub fn clear(&mut self) {
        self.points.clear();
        self.head = 0;
        self.len = 0;
        self.values = 0;
    }
}

/// Point-wise sum of two series of the same length (e.g. disk read + write), oldest first;
/// a gap in either is a gap in the sum.
pub fn sum<'a>(a: &'a Series, b: &'a Series) -> impl Iterator<Item = Option<f32>> + 'a {
    a.iter().zip(b.iter()).map(|(x, y)| Some(x? + y?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(s: &Series) -> Vec<Option<f32>> {
        s.iter().collect()
    }

    #[test]
    fn fills_then_wraps_keeping_order() {
        let mut s = Series::new(3);
        assert!(s.is_empty() && s.latest().is_none());
        for v in 1..=5 {
            s.push(Some(f64::from(v)));
        }
        assert_eq!(s.len(), 3);
        assert_eq!(values(&s), vec![Some(3.0), Some(4.0), Some(5.0)]);
        assert_eq!(s.latest(), Some(5.0));
        assert_eq!(s.iter().len(), 3);
    }

    #[test]
    fn nan_and_infinity_are_never_stored() {
        let mut s = Series::new(8);
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300] {
            s.push(Some(v));
        }
        s.push(None);
        s.push_gap();
        assert_eq!(s.len(), 7);
        assert!(s.iter().all(|p| p.is_none()));
        assert!(s.iter().flatten().all(f32::is_finite));
        assert_eq!(s.max(), None);
        s.push(Some(2.5));
        assert_eq!(s.latest(), Some(2.5));
    }

    #[test]
    fn gaps_are_kept_in_place_and_ignored_by_max() {
        let mut s = Series::new(4);
        s.push(Some(9.0));
        s.push(None);
        s.push(Some(1.0));
        s.push(Some(2.0));
        s.push(None); // 9.0 falls off
        assert_eq!(values(&s), vec![None, Some(1.0), Some(2.0), None]);
        assert_eq!(s.latest(), None);
        assert_eq!(s.max(), Some(2.0));
        assert_eq!(s.max_recent(2), Some(2.0));
        assert_eq!(s.max_recent(1), None);
    }

    #[test]
    fn zero_capacity_means_one_and_clear_empties() {
        let mut s = Series::new(0);
        s.push(Some(1.0));
        s.push(Some(2.0));
        assert_eq!(values(&s), vec![Some(2.0)]);
        s.clear();
        assert!(s.is_empty());
        assert_eq!(Series::default().capacity(), DEFAULT_CAPACITY);
    }

    #[test]
    fn counts_values_through_wrapping_and_gaps() {
        let mut s = Series::new(3);
        assert!(!s.has_values());
        for _ in 0..5 {
            s.push_gap();
        }
        assert_eq!(values(&s), vec![None; 3]);
        assert!(!s.has_values());
        s.push(Some(1.0));
        assert!(s.has_values());
        assert_eq!(values(&s), vec![None, None, Some(1.0)]);
        s.push_gap();
        s.push_gap();
        assert!(s.has_values());
        assert_eq!(values(&s), vec![Some(1.0), None, None]);
        s.push_gap(); // the value falls off
        assert!(!s.has_values());
        assert_eq!(values(&s), vec![None; 3]);
        s.push_gap(); // skipped: nothing to change
        s.push(Some(2.0));
        s.push(Some(f64::NAN));
        assert_eq!(values(&s), vec![None, Some(2.0), None]);
        s.clear();
        assert!(!s.has_values());
        // Gaps only while filling: kept as a length, laid out when a value comes.
        s.push_gap();
        s.push_gap();
        assert_eq!(s.len(), 2);
        assert_eq!(values(&s), vec![None, None]);
        s.push(Some(4.0));
        assert_eq!(values(&s), vec![None, None, Some(4.0)]);
        s.push(Some(5.0));
        assert_eq!(values(&s), vec![None, Some(4.0), Some(5.0)]);
        assert_eq!(s.max(), Some(5.0));
    }

    #[test]
    fn equality_is_by_points() {
        let mut a = Series::new(3);
        let mut b = Series::new(3);
        for _ in 0..4 {
            a.push_gap();
        }
        b.push(Some(1.0));
        for _ in 0..3 {
            b.push_gap();
        }
        assert_eq!(a, b);
        b.push(Some(1.0));
        assert_ne!(a, b);
        assert_ne!(Series::new(3), Series::new(4));
    }

    #[test]
    fn sum_propagates_gaps() {
        let mut a = Series::new(3);
        let mut b = Series::new(3);
        for (x, y) in [
            (Some(1.0), Some(2.0)),
            (None, Some(1.0)),
            (Some(4.0), Some(0.5)),
        ] {
            a.push(x);
            b.push(y);
        }
        assert_eq!(
            sum(&a, &b).collect::<Vec<_>>(),
            vec![Some(3.0), None, Some(4.5)]
        );
    }
}

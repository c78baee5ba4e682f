// SPDX-License-Identifier: GPL-3.0-or-later
//! [`Series`]: the fixed-capacity ring buffer behind every graph, one point per tick.
//!
//! A tick without a value (first sample, counter reset, guest stopped, metric switched off)
//! is stored as a **gap**, `None`, never as NaN, infinity or a made-up zero: a graph breaks
//! its line there and the scale ignores it. Storage is `Option<f32>` (8 bytes a point: about
//! 6.7 KiB per guest for seven 120-point series), chosen over an in-band sentinel so that no
//! reader can mistake a gap for a value.

/// Points kept when no capacity is given: two minutes at the default 1 s tick.
pub const DEFAULT_CAPACITY: usize = 120;

/// A ring buffer of `f32` points with gaps; the oldest point falls off when full.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    points: Vec<Option<f32>>,
    /// Where the next point goes once the buffer is full (= the oldest point).
    head: usize,
    capacity: usize,
    /// How many stored points are values (not gaps).
    values: usize,
}

impl Default for Series {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl Series {
    /// An empty series of `capacity` points (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Series {
            points: Vec::with_capacity(capacity),
            head: 0,
            capacity,
            values: 0,
        }
    }

    /// Appends a point. `None`, NaN, ±∞ and values beyond `f32`'s range become a gap.
    pub fn push(&mut self, value: Option<f64>) {
        let point = value.map(|v| v as f32).filter(|v| v.is_finite());
        if point.is_none() && self.values == 0 && self.points.len() == self.capacity {
            // A gap into a full buffer of gaps: every slot is alike, so neither the points
            // nor which one is oldest change. (Guests without counters — libvirt's test
            // driver, a metric switched off — take this path on every tick.)
            return;
        }
        self.values += usize::from(point.is_some());
        if self.points.len() < self.capacity {
            self.points.push(point);
        } else {
            let old = std::mem::replace(&mut self.points[self.head], point);
            self.values -= usize::from(old.is_some());
            self.head = (self.head + 1) % self.capacity;
        }
    }

    /// Whether any stored point is a value (not a gap): a series of gaps draws nothing.
    pub fn has_values(&self) -> bool {
        self.values > 0
    }

    /// Appends a gap.
    pub fn push_gap(&mut self) {
        self.push(None);
    }

    /// Points stored (≤ capacity).
    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Points from oldest to newest; `None` is a gap.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Option<f32>> + ExactSizeIterator + '_ {
        let n = self.points.len();
        // While filling, head is 0; once full it indexes the oldest point.
        (0..n).map(move |i| self.points[(self.head + i) % n])
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

//! Paragraph heights as a Fenwick tree: prefix sums and "which paragraph is
//! at this y" in O(log n), updates in O(log n).
//!
//! Heights start as estimates (from char counts) and are replaced by the real
//! galley height once a paragraph is laid out, so a 5 MB document never needs
//! laying out in full to know its scroll height. Sums are kept in `f64` so
//! many small corrections do not drift.

/// Heights of `n` items with fast prefix sums.
#[derive(Clone, Debug, Default)]
pub struct Heights {
    /// 1-based Fenwick tree of partial sums.
    tree: Vec<f64>,
    /// The heights themselves.
    vals: Vec<f32>,
}

impl Heights {
    /// Builds the tree in O(n).
    pub fn new(vals: Vec<f32>) -> Self {
        let n = vals.len();
        let mut tree = vec![0.0f64; n + 1];
        for (i, v) in vals.iter().enumerate() {
            let i = i + 1;
            tree[i] += f64::from(*v);
            let j = i + (i & i.wrapping_neg());
            if j <= n {
                let t = tree[i];
                tree[j] += t;
            }
        }
        Self { tree, vals }
    }

    /// Height of item `i` (0 if out of range).
    pub fn get(&self, i: usize) -> f32 {
        self.vals.get(i).copied().unwrap_or(0.0)
    }

    /// Sets the height of item `i`; returns the change.
    pub fn set(&mut self, i: usize, h: f32) -> f32 {
        let Some(old) = self.vals.get_mut(i) else {
            return 0.0;
        };
        let delta = h - *old;
        if delta == 0.0 {
            return 0.0;
        }
        *old = h;
        let d = f64::from(delta);
        let mut k = i + 1;
        while k < self.tree.len() {
            self.tree[k] += d;
            k += k & k.wrapping_neg();
        }
        delta
    }

    /// Sum of the heights of items `0..i` (the top of item `i`).
    pub fn prefix(&self, i: usize) -> f64 {
        let mut k = i.min(self.vals.len());
        let mut s = 0.0;
        while k > 0 {
            s += self.tree[k];
            k &= k - 1;
        }
        s
    }

    /// Sum of all heights.
    pub fn total(&self) -> f64 {
        self.prefix(self.vals.len())
    }

    /// The item whose vertical extent holds `y` (clamped to the first/last
    /// item; 0 when empty).
    pub fn find(&self, y: f64) -> usize {
        let n = self.vals.len();
        if n == 0 || y <= 0.0 {
            return 0;
        }
        let mut pos = 0usize;
        let mut rem = y;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= rem {
                pos = next;
                rem -= self.tree[next];
            }
            step >>= 1;
        }
        pos.min(n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_prefix(v: &[f32], i: usize) -> f64 {
        v[..i].iter().map(|x| f64::from(*x)).sum()
    }

    #[test]
    fn prefix_sums_match_naive_after_updates() {
        let mut vals: Vec<f32> = (0..37).map(|i| (i % 5) as f32 * 3.5 + 1.0).collect();
        let mut h = Heights::new(vals.clone());
        for i in 0..=vals.len() {
            assert!((h.prefix(i) - naive_prefix(&vals, i)).abs() < 1e-6);
        }
        for (i, nv) in [(3usize, 40.0f32), (36, 0.5), (0, 12.0), (20, 0.0)] {
            let d = h.set(i, nv);
            assert_eq!(d, nv - vals[i]);
            vals[i] = nv;
        }
        for i in 0..=vals.len() {
            assert!((h.prefix(i) - naive_prefix(&vals, i)).abs() < 1e-6);
        }
        assert!((h.total() - naive_prefix(&vals, vals.len())).abs() < 1e-6);
    }

    #[test]
    fn find_returns_the_item_under_y() {
        let vals = vec![10.0, 0.0, 5.0, 20.0, 1.0];
        let h = Heights::new(vals.clone());
        for y10 in 0..400 {
            let y = f64::from(y10) / 10.0;
            let i = h.find(y);
            let top = naive_prefix(&vals, i);
            let bottom = top + f64::from(vals[i]);
            if y < h.total() {
                assert!(
                    top <= y && y < bottom,
                    "y={y} i={i} top={top} bottom={bottom}"
                );
            } else {
                assert_eq!(i, vals.len() - 1);
            }
        }
        assert_eq!(h.find(-5.0), 0);
        assert_eq!(Heights::new(vec![]).find(3.0), 0);
    }
}

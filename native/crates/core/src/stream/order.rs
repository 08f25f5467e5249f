//! Exact per-channel medians and MADs of time-major rows of any [`Layout`] (1 to 16-bit integers,
//! 32-bit floats), in a few passes over the same rows, in memory bounded whatever the number of
//! samples: the numbers [`crate::stats::channel_medians`] gives on the whole waterfall, bit for bit.
//!
//! Each channel searches for its two middle order statistics (ranks `(n-1)/2` and `n/2`, the same
//! for an odd count) by selection on a monotonic integer key, one pass per step:
//!
//! 1. a scan: the count of valid samples and the smallest and largest key (skipped for integers
//!    whose every level fits in a histogram);
//! 2. a histogram of the keys within the range known to hold the lower middle value (bins of
//!    `2^shift` keys; every pass also counts the samples below the range and keeps the smallest
//!    key above it, which is the upper middle value when it falls outside); the bin holding it is the
//!    next range, until that is one key, or holds few enough samples to be collected whole and
//!    sorted in the next pass;
//! 3. the same for the distances `|x - median|`, in f64 as the whole-array kernel computes them,
//!    first on the key of their f32 rounding (monotone: a coarse key with few passes), then, within
//!    one f32 value, on the f64 key itself (many distinct samples can share one f32 distance, such
//!    as tiny samples far from a large median: the f64 passes, or a collection, tell them apart).
//!
//! The MAD mostly needs no pass of its own: the histogram that gives the median's bin also bounds
//! the MAD (the samples certainly, and possibly, within a distance of any value in that bin), so the
//! pass collecting the median's bin also counts the samples certainly nearer the median than the MAD
//! and collects those that may be it (a [`Spread`]); once the median is known, their exact distances
//! give the MAD when bounds from the key ranges prove the counted and the uncollected samples lie on
//! the right sides of it. When they do not (or the candidates overflow), the distances' search
//! below runs.
//!
//! A histogram over every key of a channel (integer samples in a narrow range) gives the median and
//! the MAD at once; so does a collection of every sample. A range guessed wrong (the first range of
//! the distances is a guess from the scan) is corrected by the counts: the next pass looks below or
//! above it. Memory: one slot of `bins` u32 per channel (histogram counts, or collected keys as
//! pairs of u32), `bins` a power of two chosen so that all slots fit the budget.
//!
//! A median of zero is +0 (the whole-array selection does not order -0 and +0 either).
//!
//! [`Layout`]: crate::filterbank::Layout

use rayon::prelude::*;

use crate::bail;
use crate::error::{code, CoreResult};
use crate::filterbank::Layout;
use crate::stats::Medians;

/// Default memory for the per-channel histograms.
pub const DEFAULT_ORDER_BUDGET_BYTES: usize = 64 << 20;

/// Most bins per channel (a histogram of 256 KiB per channel stays in cache).
const MOST_BINS_LOG2: u32 = 16;
/// Fewest bins per channel (the budget is exceeded rather than the passes multiplied).
const FEWEST_BINS_LOG2: u32 = 4;
/// More passes than any search needs (32-bit keys, then 64-bit keys, a few bits a pass): a bug.
const MOST_PASSES: usize = 96;

/// The total order a search runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// The samples' own key ([`Keys::key`]): exact.
    Sample,
    /// The bits of the f32 rounding of the distance from the median: monotone, not exact.
    Distance32,
    /// The bits of the f64 distance from the median: exact.
    Distance64,
}

impl Level {
    fn exact(self) -> bool {
        self != Level::Distance32
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Count, smallest and largest key.
    Scan,
    /// Counts of keys `lo..=hi` in bins of `2^shift` keys.
    Histogram {
        shift: u32,
    },
    /// The exact keys within `lo..=hi`, at most a slot's worth.
    Collect,
    Done,
}

/// One channel's search (file channel order).
#[derive(Debug, Clone)]
struct Search {
    mode: Mode,
    level: Level,
    lo: u64,
    hi: u64,
    /// Valid samples (from the first pass).
    n: u64,
    /// Smallest and largest sample key (from the scan), for the distances' first range.
    key_min: u64,
    key_max: u64,
    /// The exact keys (of `level`, or of the f64 distance) of the lower and upper middle values.
    lower: Option<u64>,
    upper: Option<u64>,
    median: f64,
    mad: f64,
    /// Bounds on the MAD from the histograms of the samples (distances in f64).
    mad_bounds: Option<(f64, f64)>,
    /// The MAD's candidates gathered alongside this pass's collection of the middle values.
    spread: Option<Spread>,
    tally: Tally,
}

/// Sample keys gathered alongside a collection of the middle values: `near` (inclusive) certainly
/// nearer the median than the MAD (counted), the rest of `outer` possibly the MAD (collected from the
/// slot's end, at most `room`); the keys outside are farther.
#[derive(Debug, Clone, Copy)]
struct Spread {
    near: (u64, u64),
    outer: (u64, u64),
    room: usize,
}

/// What one pass counts of a channel (copied to the stack while a tile is added).
#[derive(Debug, Clone, Copy)]
struct Tally {
    count: u64,
    below: u64,
    above: u64,
    /// The smallest exact key above the range (u64::MAX: none).
    above_min: u64,
    /// Distances exactly 0 (distance levels).
    zeros: u64,
    collected: usize,
    overflow: bool,
    /// Samples within the spread's `near` range, and those collected as candidates for the MAD.
    nearer: u64,
    candidates: usize,
    spread_overflow: bool,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            count: 0,
            below: 0,
            above: 0,
            above_min: u64::MAX,
            zeros: 0,
            collected: 0,
            overflow: false,
            nearer: 0,
            candidates: 0,
            spread_overflow: false,
        }
    }
}

impl Search {
    fn new(mode: Mode, lo: u64, hi: u64) -> Self {
        Search {
            mode,
            level: Level::Sample,
            lo,
            hi,
            n: 0,
            key_min: u64::MAX,
            key_max: 0,
            lower: None,
            upper: None,
            median: f64::NAN,
            mad: f64::NAN,
            mad_bounds: None,
            spread: None,
            tally: Tally::default(),
        }
    }
}

/// The keys of a layout's samples, in the samples' order.
#[derive(Debug, Clone, Copy)]
struct Keys {
    /// Integer samples: keys `0 .. 2^nbits`, the value less the smallest value (`lowest`, below 0
    /// for signed samples). Floats: the f32 bits made monotonic.
    integer: bool,
    lowest: i64,
}

impl Keys {
    fn of(layout: Layout) -> Self {
        Keys { integer: layout.integer(), lowest: layout.lowest_value() }
    }

    /// The key of a finite sample (-0 and +0 one key).
    #[inline]
    fn key(self, x: f32) -> u64 {
        if self.integer {
            return (x as i64 - self.lowest) as u64;
        }
        let bits = (x + 0.0).to_bits();
        (if bits >> 31 == 1 { !bits } else { bits | 0x8000_0000 }) as u64
    }

    #[inline]
    fn value(self, key: u64) -> f32 {
        if self.integer {
            return (key as i64 + self.lowest) as f32;
        }
        let key = key as u32;
        f32::from_bits(if key >> 31 == 1 { key & 0x7fff_ffff } else { !key })
    }
}

/// The key of an f32 distance `>= 0` (its bits, +inf the largest).
const DISTANCE32_MAX: u64 = 0x7f80_0000;
const DISTANCE64_MAX: u64 = 0x7ff0_0000_0000_0000;

/// Accumulates rows fed again and again until every channel's median and MAD are known.
pub struct OrderPass {
    layout: Layout,
    zeros_missing: bool,
    bins_log2: u32,
    searches: Vec<Search>,
    /// `[nchan][bins]`: histogram counts, or collected keys (two u32 each).
    slots: Vec<u32>,
    rows: u64,
    passes: usize,
}

impl OrderPass {
    /// `zeros_missing`: exact zeros are missing samples (not counted).
    pub fn new(layout: Layout, zeros_missing: bool) -> CoreResult<Self> {
        Self::with_budget(layout, zeros_missing, DEFAULT_ORDER_BUDGET_BYTES)
    }

    /// The same with `budget_bytes` of histograms (fewer bins per channel, more passes, when smaller).
    pub fn with_budget(layout: Layout, zeros_missing: bool, budget_bytes: usize) -> CoreResult<Self> {
        let per_channel = (budget_bytes / 4 / layout.nchan).max(1);
        let bins_log2 = (usize::BITS - 1 - per_channel.leading_zeros()).clamp(FEWEST_BINS_LOG2, MOST_BINS_LOG2);
        let integer = layout.integer();
        let first = if integer && layout.nbits as u32 <= bins_log2 {
            Search::new(Mode::Histogram { shift: 0 }, 0, (1u64 << layout.nbits) - 1)
        } else {
            Search::new(Mode::Scan, 0, 0)
        };
        Ok(Self {
            layout,
            zeros_missing,
            bins_log2,
            searches: vec![first; layout.nchan],
            slots: vec![0; layout.nchan << bins_log2],
            rows: 0,
            passes: 0,
        })
    }

    /// Bins per channel (a power of two).
    pub fn bins(&self) -> usize {
        1 << self.bins_log2
    }

    /// Passes ended so far.
    pub fn passes(&self) -> usize {
        self.passes
    }

    /// Whether every channel's median and MAD are known (no more passes).
    pub fn done(&self) -> bool {
        self.searches.iter().all(|s| s.mode == Mode::Done)
    }

    /// Adds consecutive rows of this pass (every pass feeds the same rows in the same order).
    pub fn add(&mut self, bytes: &[u8]) -> CoreResult<()> {
        let rows = self.layout.rows(bytes)?.len() as u64;
        if self.done() {
            bail!(code::ARGUMENT, "every median is known: no more passes");
        }
        self.rows += rows;
        if self.rows >= u32::MAX as u64 {
            bail!(code::UNSUPPORTED, "streamed medians count at most {} samples per channel", u32::MAX - 1);
        }
        let (layout, zeros_missing, bins, keys) = (self.layout, self.zeros_missing, 1usize << self.bins_log2, Keys::of(self.layout));
        let row_bytes = layout.row_bytes();
        // tasks own blocks of channels; rows in tiles that stay in cache, each channel walks a tile
        let tile = ((1 << 20) / row_bytes).max(64);
        let per_task = layout.nchan.div_ceil(4 * rayon::current_num_threads()).max(8);
        self.searches.par_chunks_mut(per_task).zip(self.slots.par_chunks_mut(per_task * bins)).enumerate().for_each(
            |(b, (searches, slots))| {
                for tile in bytes.chunks(tile * row_bytes) {
                    for (i, (s, slot)) in searches.iter_mut().zip(slots.chunks_exact_mut(bins)).enumerate() {
                        let channel = b * per_task + i;
                        let rows = tile.chunks_exact(row_bytes);
                        let counted = |x: &f32| x.is_finite() && !(zeros_missing && *x == 0.0);
                        // one loop per sample type (the type's test not repeated per sample)
                        match (layout.nbits, layout.signed) {
                            (32, _) => {
                                let at = 4 * channel;
                                let column = rows.map(|row| f32::from_le_bytes([row[at], row[at + 1], row[at + 2], row[at + 3]]));
                                visit(s, slot, column.filter(counted), keys);
                            }
                            (16, false) => {
                                let column = rows.map(|row| u16::from_le_bytes([row[2 * channel], row[2 * channel + 1]]) as f32);
                                visit(s, slot, column.filter(counted), keys);
                            }
                            (16, true) => {
                                let column = rows.map(|row| i16::from_le_bytes([row[2 * channel], row[2 * channel + 1]]) as f32);
                                visit(s, slot, column.filter(counted), keys);
                            }
                            _ => visit(s, slot, rows.map(|row| layout.sample(row, channel)).filter(counted), keys),
                        }
                    }
                }
            },
        );
        Ok(())
    }

    /// Ends a pass: true when the rows must be fed again (in the same order), false when every
    /// median and MAD is known.
    pub fn end_pass(&mut self) -> CoreResult<bool> {
        if self.done() {
            bail!(code::ARGUMENT, "every median is known: no more passes");
        }
        self.passes += 1;
        if self.passes > MOST_PASSES {
            bail!(code::INTERNAL, "streamed medians did not converge in {MOST_PASSES} passes");
        }
        self.rows = 0;
        let (keys, nbits, bins_log2) = (Keys::of(self.layout), self.layout.nbits, self.bins_log2);
        let bins = 1usize << bins_log2;
        self.searches.par_iter_mut().zip(self.slots.par_chunks_mut(bins)).for_each(|(s, slot)| {
            settle(s, slot, Context { keys, nbits, bins_log2 });
            slot.fill(0);
            s.tally = Tally::default();
        });
        Ok(!self.done())
    }

    /// Each channel's median and MAD (row 0 the lowest frequency; NaN without a valid sample).
    pub fn finish(&self) -> CoreResult<Medians> {
        if !self.done() {
            bail!(code::ARGUMENT, "the medians need more passes over the rows");
        }
        let at = |c: usize| &self.searches[self.layout.channel(c)];
        let nchan = self.layout.nchan;
        Ok(Medians { median: (0..nchan).map(|c| at(c).median).collect(), mad: (0..nchan).map(|c| at(c).mad).collect() })
    }
}

/// Adds one channel's valid samples of a tile to its search.
fn visit(s: &mut Search, slot: &mut [u32], valid: impl Iterator<Item = f32>, keys: Keys) {
    let mut t = s.tally;
    let (lo, hi, mode) = (s.lo, s.hi, s.mode);
    match (mode, s.level) {
        (Mode::Done, _) => {}
        (Mode::Scan, _) => {
            let (mut min, mut max) = (s.key_min, s.key_max);
            for x in valid {
                let key = keys.key(x);
                t.count += 1;
                min = min.min(key);
                max = max.max(key);
            }
            (s.key_min, s.key_max) = (min, max);
        }
        (_, Level::Sample) => match s.spread {
            None => {
                for x in valid {
                    let key = keys.key(x);
                    place(&mut t, slot, lo, hi, mode, key, key);
                }
            }
            Some(spread) => {
                let end = slot.len();
                for x in valid {
                    let key = keys.key(x);
                    place(&mut t, slot, lo, hi, mode, key, key);
                    if spread.near.0 <= key && key <= spread.near.1 {
                        t.nearer += 1;
                    } else if spread.outer.0 <= key && key <= spread.outer.1 {
                        if t.candidates < spread.room {
                            slot[end - 1 - t.candidates] = key as u32;
                            t.candidates += 1;
                        } else {
                            t.spread_overflow = true;
                        }
                    }
                }
            }
        },
        (_, level) => {
            let m = s.median;
            for x in valid {
                let d = (x as f64 - m).abs();
                let exact = d.to_bits();
                t.zeros += (d == 0.0) as u64;
                let key = if level == Level::Distance32 { (d as f32).to_bits() as u64 } else { exact };
                place(&mut t, slot, lo, hi, mode, key, exact);
            }
        }
    }
    s.tally = t;
}

/// One valid sample of key `key` (of the search's level) and exact key `exact`.
#[inline(always)]
fn place(t: &mut Tally, slot: &mut [u32], lo: u64, hi: u64, mode: Mode, key: u64, exact: u64) {
    // without branches outside the range (below or above is a coin toss after the first passes)
    let (below, above) = (key < lo, key > hi);
    t.count += 1;
    t.below += below as u64;
    t.above += above as u64;
    t.above_min = t.above_min.min(if above { exact } else { u64::MAX });
    if below || above {
        return;
    }
    if let Mode::Histogram { shift } = mode {
        slot[((key - lo) >> shift) as usize] += 1;
    } else if 2 * t.collected + 1 < slot.len() {
        slot[2 * t.collected] = exact as u32;
        slot[2 * t.collected + 1] = (exact >> 32) as u32;
        t.collected += 1;
    } else {
        t.overflow = true;
    }
}

#[derive(Clone, Copy)]
struct Context {
    keys: Keys,
    nbits: usize,
    bins_log2: u32,
}

impl Context {
    /// The whole key range of a level.
    fn bounds(&self, s: &Search) -> (u64, u64) {
        match s.level {
            Level::Sample if s.key_min <= s.key_max => (s.key_min, s.key_max),
            Level::Sample if self.keys.integer => (0, (1u64 << self.nbits) - 1),
            Level::Sample => (0, u32::MAX as u64),
            Level::Distance32 => (0, DISTANCE32_MAX),
            Level::Distance64 => (0, DISTANCE64_MAX),
        }
    }

    /// The finite samples' lowest and highest key.
    fn finite_keys(&self) -> (u64, u64) {
        if self.keys.integer {
            (0, (1u64 << self.nbits) - 1)
        } else {
            (self.keys.key(-f32::MAX), self.keys.key(f32::MAX))
        }
    }

    /// A finite sample's key one past a value `v`'s keys: below them (`step` -1) or above (`step`
    /// 1), within the finite keys.
    fn key_beside(&self, v: f64, step: i64) -> u64 {
        let (lowest, highest) = self.finite_keys();
        let key = if self.keys.integer {
            (v.round() - self.keys.lowest as f64).clamp(0.0, highest as f64) as u64
        } else {
            self.keys.key((v as f32).clamp(-f32::MAX, f32::MAX))
        };
        key.saturating_add_signed(step).clamp(lowest, highest)
    }

    /// Searches `lo..=hi` next: collected whole when `count` (if known) fits a slot, else binned.
    fn aim(&self, s: &mut Search, lo: u64, hi: u64, count: Option<u64>) {
        s.lo = lo;
        s.hi = hi;
        let span_bits = u64::BITS - (hi - lo).leading_zeros();
        s.mode = match count {
            Some(c) if c as usize <= (1 << self.bins_log2) / 2 && span_bits > self.bins_log2 => Mode::Collect,
            _ => Mode::Histogram { shift: span_bits.saturating_sub(self.bins_log2) },
        };
    }
}

/// The ranks of the lower and upper middle values.
fn ranks(n: u64) -> (u64, u64) {
    ((n - 1) / 2, n / 2)
}

/// What a pass told one channel: its next range, or its median (then the distances' search) or MAD.
fn settle(s: &mut Search, slot: &[u32], cx: Context) {
    if s.mode == Mode::Done {
        return;
    }
    let spread = s.spread.take();
    if s.mode == Mode::Scan || (s.n == 0 && s.level == Level::Sample) {
        s.n = s.tally.count;
    }
    if s.n == 0 {
        s.mode = Mode::Done;
        return;
    }
    let (r1, r2) = ranks(s.n);
    let whole = s.tally.below == 0 && s.tally.above == 0 && s.level == Level::Sample;
    match s.mode {
        Mode::Scan => {
            let (lo, hi) = (s.key_min, s.key_max);
            cx.aim(s, lo, hi, Some(s.n));
            return;
        }
        Mode::Histogram { shift: 0 } if whole => {
            // every key counted: the median and the MAD at once
            let values: Vec<(f32, u64)> =
                (0..slot.len()).filter(|&j| slot[j] > 0).map(|j| (cx.keys.value(s.lo + j as u64), slot[j] as u64)).collect();
            return whole_values(s, &values);
        }
        Mode::Collect if whole && !s.tally.overflow => {
            let values: Vec<(f32, u64)> = (0..s.tally.collected).map(|i| (cx.keys.value(collected_key(slot, i)), 1)).collect();
            return whole_values(s, &values);
        }
        _ => {}
    }
    // the upper middle value beyond the range: the smallest above it
    let inside = s.tally.count - s.tally.below - s.tally.above;
    let holds_lower = s.lower.is_some() || (s.tally.below <= r1 && r1 < s.tally.below + inside);
    if holds_lower && s.upper.is_none() && r2 != r1 && r2 >= s.tally.below + inside && s.tally.above_min != u64::MAX {
        s.upper = Some(s.tally.above_min);
    }
    if s.lower.is_none() {
        if s.level != Level::Sample && r1 < s.tally.zeros {
            // the lower middle distance is 0 (keys of 0 are the lowest of every distance level)
            s.lower = Some(0);
            if r2 < s.tally.zeros {
                s.upper = Some(0);
            }
        } else if s.mode == Mode::Collect && !s.tally.overflow && s.tally.below <= r1 && r1 < s.tally.below + inside {
            let mut keys: Vec<u64> = (0..s.tally.collected).map(|i| collected_key(slot, i)).collect();
            keys.sort_unstable();
            s.lower = Some(keys[(r1 - s.tally.below) as usize]);
            if s.upper.is_none() && r2 != r1 {
                s.upper = keys.get((r2 - s.tally.below) as usize).copied();
            }
            if s.level == Level::Distance32 {
                s.level = Level::Distance64;
            }
        } else if s.mode == Mode::Collect && s.tally.below <= r1 && r1 < s.tally.below + inside {
            // more than a slot (cannot happen: the count came from the pass before)
            let (lo, hi) = (s.lo, s.hi);
            cx.aim(s, lo, hi, None);
            return;
        } else if r1 < s.tally.below {
            let (min, _) = cx.bounds(s);
            let hi = s.lo - 1;
            cx.aim(s, min, hi, Some(s.tally.below));
            return;
        } else if r1 >= s.tally.below + inside {
            let (_, max) = cx.bounds(s);
            let lo = s.hi + 1;
            cx.aim(s, lo, max, Some(s.tally.above));
            return;
        } else if let Mode::Histogram { shift } = s.mode {
            let mut before = s.tally.below;
            let j = (0..slot.len())
                .find(|&j| {
                    before += slot[j] as u64;
                    before > r1
                })
                .expect("the rank is within the histogram");
            let through = before;
            let lo = s.lo + ((j as u64) << shift);
            let hi = (lo + ((1u64 << shift) - 1)).min(s.hi);
            if lo == hi && s.level.exact() {
                s.lower = Some(lo);
                if s.upper.is_none() && r2 != r1 {
                    if r2 < through {
                        s.upper = Some(lo);
                    } else if shift == 0 {
                        // the next non-empty bin holds one key
                        s.upper = (j + 1..slot.len()).find(|&k| slot[k] > 0).map(|k| s.lo + k as u64);
                    }
                }
            } else if lo == hi {
                // one f32 distance: the f64 distances that round to it lie between the midpoints
                // to its neighbours (exact in f64; a tie at a midpoint may round either way)
                let r = lo as u32;
                let midpoint = |a: u32, b: u32| (f32::from_bits(a) as f64 + f32::from_bits(b) as f64) / 2.0;
                let lo64 = if r == 0 { 0 } else { midpoint(r - 1, r).to_bits() };
                let hi64 = if lo >= DISTANCE32_MAX { DISTANCE64_MAX } else { midpoint(r, r + 1).to_bits() };
                s.level = Level::Distance64;
                cx.aim(s, lo64, hi64, Some(slot[j] as u64));
                return;
            } else {
                let histogram = Histogram { lo: s.lo, hi: s.hi, shift, below: s.tally.below, above: s.tally.above };
                cx.aim(s, lo, hi, Some(slot[j] as u64));
                if s.level == Level::Sample {
                    plan_spread(s, slot, &histogram, j, cx);
                }
                return;
            }
        }
    }
    let Some(lower) = s.lower else { return };
    if r2 == r1 {
        s.upper = Some(lower);
    }
    let Some(upper) = s.upper else {
        // only the smallest key above the lower middle value is missing
        let level = if s.level == Level::Distance32 { Level::Distance64 } else { s.level };
        s.level = level;
        s.lo = lower;
        s.hi = lower;
        s.mode = Mode::Histogram { shift: 0 };
        return;
    };
    if s.level == Level::Sample {
        let middle = |k: u64| cx.keys.value(k) as f64;
        s.median = if r1 == r2 { middle(lower) } else { 0.5 * (middle(lower) + middle(upper)) } + 0.0;
        start_distances(s, cx);
        if let Some(spread) = spread {
            mad_of_candidates(s, slot, spread, cx);
        }
    } else {
        let (a, b) = (f64::from_bits(lower), f64::from_bits(upper));
        s.mad = if r1 == r2 { a } else { 0.5 * (a + b) };
        s.mode = Mode::Done;
    }
}

/// The channel's first range of distances: the f32 keys up to the largest distance (from the scan),
/// the smallest 24 octaves of them in one bin (a pass below it follows if the MAD is so small).
fn start_distances(s: &mut Search, cx: Context) {
    let m = s.median;
    let far = [s.key_min, s.key_max].map(|k| (cx.keys.value(k) as f64 - m).abs());
    let largest = far[0].max(far[1]);
    s.level = Level::Distance32;
    s.lower = None;
    s.upper = None;
    let hi = (largest as f32).to_bits() as u64;
    let lo = ((largest * 2f64.powi(-24)) as f32).to_bits() as u64;
    cx.aim(s, lo, hi, None);
}

/// A histogram of sample keys just counted: bins of `2^shift` keys from `lo` to `hi`, and the
/// samples below and above it.
struct Histogram {
    lo: u64,
    hi: u64,
    shift: u32,
    below: u64,
    above: u64,
}

impl Histogram {
    /// The first and last key of bin `i`.
    fn bin(&self, i: usize) -> (u64, u64) {
        let lo = self.lo + ((i as u64) << self.shift);
        (lo, (lo + ((1u64 << self.shift) - 1)).min(self.hi))
    }
}

/// Bounds on the MAD from a histogram whose bin `j` holds the median: the distance within which
/// enough samples may lie (the lower bound) and within which enough certainly lie (the upper), for
/// any median in that bin.
fn mad_bounds(n: u64, slot: &[u32], h: &Histogram, j: usize, cx: Context) -> Option<(f64, f64)> {
    let (r1, r2) = ranks(n);
    let value = |k: u64| cx.keys.value(k) as f64;
    let (va, vb) = (value(h.bin(j).0), value(h.bin(j).1));
    let last = slot.len() as isize;
    // "bins" -1 and `last` are the samples below and above the histogram
    let count = |i: isize| match i {
        -1 => h.below,
        i if i == last => h.above,
        i => slot[i as usize] as u64,
    };
    // the nearest and farthest any sample of a bin can be from a median in bin j
    let nearest = |i: isize| match i {
        -1 => va - value(h.lo),
        i if i == last => value(h.hi) - vb,
        i if (i as usize) < j => va - value(h.bin(i as usize).1),
        i if (i as usize) > j => value(h.bin(i as usize).0) - vb,
        _ => 0.0,
    };
    let farthest = |i: isize| match i {
        -1 => f64::INFINITY,
        i if i == last => f64::INFINITY,
        i if (i as usize) < j => vb - value(h.bin(i as usize).0),
        i if (i as usize) > j => value(h.bin(i as usize).1) - va,
        _ => vb - va,
    };
    let lower = reach(&count, &nearest, j as isize, last, r1 + 1)?;
    let upper = reach(&count, &farthest, j as isize, last, r2 + 1)?;
    (lower <= upper).then_some((lower, upper))
}

/// The distance at which bins taken nearest first (bin `j`, then those around it, from -1 to
/// `last`, each side's distances growing away from `j`) hold `need` samples.
fn reach(count: &impl Fn(isize) -> u64, distance: &impl Fn(isize) -> f64, j: isize, last: isize, need: u64) -> Option<f64> {
    let (mut left, mut right, mut total, mut at) = (j - 1, j + 1, count(j), distance(j));
    while total < need {
        let take_left = right > last || (left >= -1 && distance(left) <= distance(right));
        let i = if take_left { left } else { right };
        if i < -1 || i > last {
            return None;
        }
        if take_left {
            left -= 1;
        } else {
            right += 1;
        }
        if count(i) > 0 {
            at = at.max(distance(i));
            total += count(i);
        }
    }
    at.is_finite().then_some(at)
}

/// Given the histogram that chose the median's next range (bin `j`): the MAD's bounds and, when the
/// bin's samples and the MAD's likely candidates fit the slot, a collection of both.
fn plan_spread(s: &mut Search, slot: &[u32], h: &Histogram, j: usize, cx: Context) {
    if let Some(b) = mad_bounds(s.n, slot, h, j, cx) {
        s.mad_bounds = Some(s.mad_bounds.map_or(b, |a| (a.0.max(b.0), a.1.min(b.1))));
    }
    // a collection (rather than a histogram of a narrow bin) when the median's samples fit beside the candidates
    let Some((lower, upper)) = s.mad_bounds else { return };
    if slot[j] as usize > slot.len() / 2 {
        return;
    }
    let (va, vb) = (cx.keys.value(s.lo) as f64, cx.keys.value(s.hi) as f64);
    let near = (cx.key_beside(vb - lower, 1), cx.key_beside(va + lower, -1));
    let outer = (cx.key_beside(va - upper, -1), cx.key_beside(vb + upper, 1));
    let inside = |(a, b): (u64, u64), (lo, hi): (u64, u64)| lo <= a && b <= hi;
    let meets = |(a, b): (u64, u64), (lo, hi): (u64, u64)| a <= hi && lo <= b;
    let mut candidates: u64 =
        (0..slot.len()).filter(|&i| slot[i] > 0 && meets(h.bin(i), outer) && !inside(h.bin(i), near)).map(|i| slot[i] as u64).sum();
    candidates += if outer.0 < h.lo { h.below } else { 0 } + if outer.1 > h.hi { h.above } else { 0 };
    let room = slot.len().saturating_sub(2 * slot[j] as usize);
    if candidates as usize <= room {
        s.mode = Mode::Collect;
        s.spread = Some(Spread { near, outer, room });
    }
}

/// The MAD from the candidates a spread gathered (the median now known), when bounds from the key
/// ranges prove it: every sample counted nearer is at most as far, every sample outside at least.
fn mad_of_candidates(s: &mut Search, slot: &[u32], spread: Spread, cx: Context) {
    let t = s.tally;
    let m = s.median;
    let value = |k: u64| cx.keys.value(k) as f64;
    let distance = |k: u64| (value(k) - m).abs();
    if t.spread_overflow || !(value(spread.outer.0) <= m && m <= value(spread.outer.1)) {
        return;
    }
    let (lowest, highest) = cx.finite_keys();
    let nearer_most = if t.nearer > 0 { distance(spread.near.0).max(distance(spread.near.1)) } else { 0.0 };
    let below_least = if spread.outer.0 > lowest { distance(spread.outer.0 - 1) } else { f64::INFINITY };
    let above_least = if spread.outer.1 < highest { distance(spread.outer.1 + 1) } else { f64::INFINITY };
    let farther_least = below_least.min(above_least);
    let mut distances: Vec<f64> = (0..t.candidates).map(|i| distance(slot[slot.len() - 1 - i] as u64)).collect();
    distances.sort_unstable_by(f64::total_cmp);
    let at = |r: u64| {
        let d = *distances.get(r.checked_sub(t.nearer)? as usize)?;
        (nearer_most <= d && d <= farther_least).then_some(d)
    };
    let (r1, r2) = ranks(s.n);
    if let (Some(a), Some(b)) = (at(r1), at(r2)) {
        s.mad = if r1 == r2 { a } else { 0.5 * (a + b) };
        s.mode = Mode::Done;
    }
}

fn collected_key(slot: &[u32], i: usize) -> u64 {
    slot[2 * i] as u64 | (slot[2 * i + 1] as u64) << 32
}

/// The median and MAD of every valid sample of a channel, given as distinct values with counts
/// (in any order), as the whole-array kernel computes them.
fn whole_values(s: &mut Search, values: &[(f32, u64)]) {
    let (r1, r2) = ranks(s.n);
    fn at(values: &[(f64, u64)], r: u64) -> Option<&(f64, u64)> {
        let mut before = 0;
        values.iter().find(|v| {
            before += v.1;
            before > r
        })
    }
    let mut sorted: Vec<(f64, u64)> = values.iter().map(|&(v, k)| (v as f64, k)).collect();
    sorted.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let middle = |r| at(&sorted, r).map_or(f64::NAN, |v| v.0);
    let m = if r1 == r2 { middle(r1) } else { 0.5 * (middle(r1) + middle(r2)) } + 0.0;
    let mut distances: Vec<(f64, u64)> = sorted.iter().map(|&(v, k)| ((v - m).abs(), k)).collect();
    distances.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let distance = |r| at(&distances, r).map_or(f64::NAN, |v| v.0);
    s.median = m;
    s.mad = if r1 == r2 { distance(r1) } else { 0.5 * (distance(r1) + distance(r2)) };
    s.mode = Mode::Done;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filterbank::{pack, unpack};
    use crate::shape::Shape;
    use crate::stats::channel_medians;
    use crate::weights::Weights;

    /// The medians of rows fed in gulps of `gulp_rows`, pass after pass, and the passes taken.
    fn streamed(bytes: &[u8], layout: Layout, zeros_missing: bool, budget: usize, gulp_rows: usize) -> (Medians, usize) {
        let mut pass = OrderPass::with_budget(layout, zeros_missing, budget).unwrap();
        loop {
            for gulp in bytes.chunks(gulp_rows * layout.row_bytes()) {
                pass.add(gulp).unwrap();
            }
            if !pass.end_pass().unwrap() {
                break;
            }
        }
        (pass.finish().unwrap(), pass.passes())
    }

    fn same_bits(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    /// Checks the streamed medians against the whole-array ones for several budgets and gulps.
    fn check(x: &[f32], nchan: usize, nbits: usize, zeros_missing: bool, what: &str) -> usize {
        let ntime = x.len() / nchan;
        let shape = Shape::new(nchan, ntime).unwrap();
        let weights = if zeros_missing { Weights::ValidNonZero } else { Weights::Valid };
        let want = channel_medians(x, weights, shape).unwrap();
        let mut most = 0;
        for (descending, budget, gulp) in
            [(false, 64 << 20, 1000), (true, 4 * 16 * nchan, 7), (false, 4 * 64 * nchan, 33), (true, 1 << 12, 1)]
        {
            let layout = Layout::new(nbits, nchan, descending).unwrap();
            let bytes = if nbits == 32 { pack(x, shape, layout).unwrap() } else { pack_integers(x, shape, layout) };
            let unpacked = unpack(&bytes, layout).unwrap().0;
            assert!(unpacked.iter().zip(x).all(|(a, b)| a.to_bits() == b.to_bits()), "{what}: packing");
            let (got, passes) = streamed(&bytes, layout, zeros_missing, budget, gulp);
            most = most.max(passes);
            for c in 0..nchan {
                assert!(
                    same_bits(&got.median[c..c + 1], &want.median[c..c + 1]) && same_bits(&got.mad[c..c + 1], &want.mad[c..c + 1]),
                    "{what} (budget {budget}, gulps of {gulp}) channel {c}: median {} MAD {} want {} {}",
                    got.median[c],
                    got.mad[c],
                    want.median[c],
                    want.mad[c]
                );
            }
        }
        most
    }

    /// Time-major rows of integer levels (1 to 16 bits).
    fn pack_integers(x: &[f32], shape: Shape, layout: Layout) -> Vec<u8> {
        let mut bytes = vec![0u8; shape.ntime * layout.row_bytes()];
        for t in 0..shape.ntime {
            let row = &mut bytes[t * layout.row_bytes()..(t + 1) * layout.row_bytes()];
            for c in 0..shape.nchan {
                let f = layout.channel(c);
                let v = x[c * shape.ntime + t] as u32;
                match layout.nbits {
                    16 => row[2 * f..2 * f + 2].copy_from_slice(&(v as u16).to_le_bytes()),
                    8 => row[f] = v as u8,
                    n => row[f * n / 8] |= (v as u8) << ((f % (8 / n)) * n),
                }
            }
        }
        bytes
    }

    /// A deterministic generator of uniform numbers in [0, 1).
    fn uniform(seed: u64) -> impl FnMut() -> f64 {
        let mut s = seed;
        move || {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn float_medians_and_mads_equal_the_whole_array_ones_bit_for_bit() {
        let ntime = 1001;
        let mut r = uniform(7);
        let mut channels: Vec<Vec<f32>> = Vec::new();
        let gauss = |r: &mut dyn FnMut() -> f64| (-2.0 * r().max(1e-300).ln()).sqrt() * (std::f64::consts::TAU * r()).cos();
        // noise on a level, with and without outliers and zeros (odd count)
        channels.push((0..ntime).map(|_| (1000.0 + 30.0 * gauss(&mut r)) as f32).collect());
        channels.push(
            (0..ntime)
                .map(|t| {
                    if t % 17 == 0 {
                        0.0
                    } else if t % 29 == 0 {
                        3e7
                    } else {
                        (5.0 + gauss(&mut r)) as f32
                    }
                })
                .collect(),
        );
        // even count of valid samples: one NaN, one inf
        let mut c: Vec<f32> = (0..ntime).map(|_| (gauss(&mut r) * 1e-3) as f32).collect();
        c[10] = f32::NAN;
        c[20] = f32::NEG_INFINITY;
        c[30] = f32::INFINITY;
        channels.push(c);
        // ties: few distinct values; all equal; one valid sample; none; two valid samples
        channels.push((0..ntime).map(|t| ((t * 7) % 5) as f32 * 0.25 - 0.5).collect());
        channels.push(vec![3.5; ntime]);
        channels.push((0..ntime).map(|t| if t == 500 { -2.0 } else { f32::NAN }).collect());
        channels.push(vec![f32::NAN; ntime]);
        channels.push(
            (0..ntime)
                .map(|t| {
                    if t == 3 {
                        1.0
                    } else if t == 900 {
                        2.0
                    } else {
                        f32::INFINITY
                    }
                })
                .collect(),
        );
        // negative zeros (and a median of zero), with a few positive zeros
        channels.push(
            (0..ntime)
                .map(|t| {
                    if t % 3 == 0 {
                        1.0
                    } else if t % 3 == 1 {
                        -0.0
                    } else if t % 7 == 0 {
                        0.0
                    } else {
                        -1.0
                    }
                })
                .collect(),
        );
        // huge dynamic range: subnormals, tiny and huge magnitudes of both signs
        channels.push(
            (0..ntime)
                .map(|t| {
                    let e = (r() * 250.0) as i32 - 140;
                    let v = (2f64.powi(e) * (1.0 + r())) as f32;
                    if t % 2 == 0 {
                        v
                    } else {
                        -v
                    }
                })
                .collect(),
        );
        channels.push((0..ntime).map(|t| f32::from_bits(1 + (t as u32 % 50))).collect()); // subnormals only
        channels.push((0..ntime).map(|t| if t % 2 == 0 { f32::MAX } else { -f32::MAX }).collect());
        // many samples sharing one f32 distance from a large median: tiny values against large ones
        channels.push(
            (0..ntime)
                .map(|t| {
                    if t < 400 {
                        1e-30 * (1.0 + t as f32)
                    } else if t < 600 {
                        1000.0
                    } else {
                        2000.0 + t as f32
                    }
                })
                .collect(),
        );
        channels.push((0..ntime).map(|t| if t < 499 { (t as f32) * 1e-38 } else { 1e4 + (t % 3) as f32 }).collect());
        let nchan = channels.len();
        let x: Vec<f32> = channels.concat();
        let passes = check(&x, nchan, 32, false, "floats");
        assert!(passes <= 40, "{passes} passes");
        // every other count of valid samples
        let mut even = x.clone();
        even.chunks_exact_mut(ntime).for_each(|c| c[ntime - 1] = f32::NAN);
        check(&even, nchan, 32, false, "floats, one sample fewer");
        check(&x, nchan, 32, true, "floats, zeros missing");
    }

    #[test]
    fn integer_medians_and_mads_equal_the_whole_array_ones_bit_for_bit() {
        let mut r = uniform(11);
        for (nbits, nchan, ntime) in [(16, 6, 777), (16, 5, 1000), (8, 8, 513), (4, 6, 300), (2, 8, 301), (1, 16, 200)] {
            let top = ((1u32 << nbits) - 1) as f64;
            let x: Vec<f32> = (0..nchan * ntime)
                .map(|i| match i / ntime {
                    0 => (r() * top).round() as f32,
                    1 => ((top / 2.0) + (r() - 0.5) * top.min(40.0)).round() as f32,
                    2 => 0.0,
                    3 => (if i % 5 == 0 { top } else { (r() * 3.0).floor().min(top) }) as f32,
                    _ => ((r() * r()) * top).round() as f32,
                })
                .collect();
            check(&x, nchan, nbits, false, &format!("{nbits} bits"));
            check(&x, nchan, nbits, true, &format!("{nbits} bits, zeros missing"));
        }
    }

    #[test]
    fn signed_medians_and_mads_equal_the_whole_array_ones_bit_for_bit() {
        use crate::stream::testing::signed_rows;
        for (nbits, ntime) in [(8, 301), (8, 300), (16, 301), (16, 300)] {
            let nchan = 12;
            for (descending, budget, gulp) in
                [(false, 64 << 20, 1000), (true, 4 * 16 * nchan, 7), (false, 4 * 64 * nchan, 33), (true, 1 << 12, 1)]
            {
                let (layout, bytes) = signed_rows(nbits, nchan, ntime, descending);
                let (x, shape) = unpack(&bytes, layout).unwrap();
                for zeros_missing in [false, true] {
                    let weights = if zeros_missing { Weights::ValidNonZero } else { Weights::Valid };
                    let want = channel_medians(&x, weights, shape).unwrap();
                    let (got, _) = streamed(&bytes, layout, zeros_missing, budget, gulp);
                    let what = format!("signed {nbits} bits, {ntime} samples, budget {budget}, zeros missing {zeros_missing}");
                    assert!(same_bits(&got.median, &want.median), "{what}: medians {:?} want {:?}", got.median, want.median);
                    assert!(same_bits(&got.mad, &want.mad), "{what}: MADs {:?} want {:?}", got.mad, want.mad);
                }
            }
        }
    }

    #[test]
    fn narrow_integers_take_one_pass_and_floats_a_few() {
        let layout = Layout::new(16, 4, false).unwrap();
        let bytes: Vec<u8> = (0..4000u32).flat_map(|i| ((i * 2654435761) >> 20).to_le_bytes()).collect();
        assert_eq!(streamed(&bytes[..bytes.len() / 2 * 2], layout, false, 64 << 20, 100).1, 1);
        let layout = Layout::new(32, 4, false).unwrap();
        let x: Vec<f32> = (0..40000u32).map(|i| ((i * 2654435761) >> 8) as f32 * 1e-3).collect();
        let bytes = pack(&x, Shape::new(4, 10000).unwrap(), layout).unwrap();
        assert!(streamed(&bytes, layout, false, 64 << 20, 100).1 <= 5);
    }

    #[test]
    fn the_mad_mostly_comes_with_the_median_and_always_equals_the_whole_array_one() {
        let (nchan, ntime) = (9, 20000);
        let mut r = uniform(5);
        let gauss = |r: &mut dyn FnMut() -> f64| (-2.0 * r().max(1e-300).ln()).sqrt() * (std::f64::consts::TAU * r()).cos();
        let noise: Vec<f64> = (0..ntime / 4).map(|_| gauss(&mut r)).collect();
        let x: Vec<f32> = (0..nchan * ntime)
            .map(|i| {
                let (c, t) = (i / ntime, i % ntime);
                // noise repeated four times (ties everywhere), as the WR bench's file
                let n = noise[(t + 97 * c) % noise.len()];
                match c {
                    0 => (43.0 * (1.0 + 0.15 * n)) as f32,
                    1 if t % 50 == 0 => 255.0,
                    1 => (100.0 + 10.0 * n) as f32,
                    2 => (if t % 2 == 0 { -3.0 } else { 5.0 } + 0.1 * n) as f32,
                    3 => (-(r().max(1e-12)).ln() * 1e-3) as f32,
                    4 => (n * 1e-30) as f32,
                    5 if t % 3 == 0 => f32::NAN,
                    5 => (1e6 + n * 1e-1) as f32,
                    // many samples exactly at the MAD's distance (and at the median)
                    6 => [1.0, 2.0, 2.0, 3.0][t % 4],
                    7 => (t % 1000) as f32,
                    _ => (3e38 * n.tanh()) as f32,
                }
            })
            .collect();
        let shape = Shape::new(nchan, ntime).unwrap();
        let want = channel_medians(&x, Weights::Valid, shape).unwrap();
        let layout = Layout::new(32, nchan, false).unwrap();
        let bytes = pack(&x, shape, layout).unwrap();
        for (budget, gulp) in [(4 * 1024 * nchan, 1000), (4 * 4096 * nchan, 333), (4 * 256 * nchan, 20000)] {
            let got = streamed(&bytes, layout, false, budget, gulp).0;
            assert!(same_bits(&got.median, &want.median) && same_bits(&got.mad, &want.mad), "budget {budget}: {got:?} want {want:?}");
        }
        // the noisy channels alone: a scan, a histogram, the median's bin collected with the MAD's candidates
        let first: Vec<f32> = x[..2 * ntime].to_vec();
        let layout = Layout::new(32, 2, false).unwrap();
        let bytes = pack(&first, Shape::new(2, ntime).unwrap(), layout).unwrap();
        let (got, passes) = streamed(&bytes, layout, false, 4 * 4096 * 2, 1000);
        let want = channel_medians(&first, Weights::Valid, Shape::new(2, ntime).unwrap()).unwrap();
        assert!(same_bits(&got.median, &want.median) && same_bits(&got.mad, &want.mad));
        assert_eq!(passes, 3);
        // 16-bit levels too wide for one histogram
        let levels: Vec<f32> =
            noise.iter().cycle().take(2 * ntime).map(|n| (30000.0 + 3000.0 * n).round().clamp(0.0, 65535.0) as f32).collect();
        let layout = Layout::new(16, 2, false).unwrap();
        let bytes = pack_integers(&levels, Shape::new(2, ntime).unwrap(), layout);
        let (got, passes) = streamed(&bytes, layout, false, 4 * 1024 * 2, 1000);
        let want = channel_medians(&levels, Weights::Valid, Shape::new(2, ntime).unwrap()).unwrap();
        assert!(same_bits(&got.median, &want.median) && same_bits(&got.mad, &want.mad));
        assert_eq!(passes, 3);
    }

    #[test]
    fn candidates_give_the_mad_only_when_the_ranges_prove_it() {
        // levels 0..=10, median 5: distances 0 1 1 2 2 3 3 4 4 5 5, the MAD 3 (rank 5)
        let cx = Context { keys: Keys::of(Layout::new(16, 1, false).unwrap()), nbits: 16, bins_log2: 4 };
        let mad = |near: (u64, u64), outer: (u64, u64)| {
            let mut s = Search::new(Mode::Collect, 5, 5);
            (s.n, s.median) = (11, 5.0);
            let mut slot = vec![0u32; 16];
            for key in 0..=10u64 {
                if near.0 <= key && key <= near.1 {
                    s.tally.nearer += 1;
                } else if outer.0 <= key && key <= outer.1 {
                    slot[15 - s.tally.candidates] = key as u32;
                    s.tally.candidates += 1;
                }
            }
            mad_of_candidates(&mut s, &slot, Spread { near, outer, room: 16 }, cx);
            (s.mode == Mode::Done).then_some(s.mad)
        };
        assert_eq!(mad((3, 7), (1, 9)), Some(3.0));
        assert_eq!(mad((4, 6), (0, 10)), Some(3.0));
        // ranges that do not prove it: too many nearer, too few candidates, a nearer sample farther
        // than the rank's candidate, an uncollected sample nearer than it
        assert_eq!(mad((2, 8), (1, 9)), None);
        assert_eq!(mad((4, 6), (3, 7)), None);
        assert_eq!(mad((1, 4), (0, 10)), None);
        assert_eq!(mad((1, 0), (5, 10)), None);
    }

    #[test]
    fn bad_uses_are_errors() {
        let layout = Layout::new(32, 2, false).unwrap();
        let mut pass = OrderPass::new(layout, false).unwrap();
        assert_eq!(pass.add(&[0; 7]).unwrap_err().code, code::SHAPE);
        pass.add(&1f32.to_le_bytes().repeat(2)).unwrap();
        assert_eq!(pass.finish().unwrap_err().code, code::ARGUMENT);
        while pass.end_pass().unwrap() {
            pass.add(&1f32.to_le_bytes().repeat(2)).unwrap();
        }
        assert_eq!(pass.finish().unwrap().median, vec![1.0, 1.0]);
        assert_eq!(pass.add(&[0; 8]).unwrap_err().code, code::ARGUMENT);
        assert_eq!(pass.end_pass().unwrap_err().code, code::ARGUMENT);
    }
}

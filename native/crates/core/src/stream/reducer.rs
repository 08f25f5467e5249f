//! The second pass: dedisperse, subband and downsample rows as they arrive.
//!
//! Output sample `j` of channel `c` is input sample `j + shift_c` (circularly for `Roll`; missing
//! outside the data for `Invalidate`). Rows are fed on a *virtual* time axis `[v0, v1)` that covers
//! every `j + shift_c` needed: for `Roll` it runs past the end of the data into its start again (and
//! before its start for negative shifts), so the caller reads input sample `t mod ntime` for virtual
//! time `t`. Each channel keeps a ring of its recent samples; subband `k`'s output `j` is complete
//! once every channel of `k` has delivered sample `j + shift_c`, and is then computed exactly as
//! [`crate::blocks::dedisperse_subband`] does (channels in ascending order, f64 sums, one rounding to
//! f32) and downsampled as [`crate::blocks::downsample`] does. So the ring needs, per channel, one
//! gulp plus the largest spread of shifts within a subband: small for many subbands, the whole sweep
//! for one.
//!
//! Samples of at most 8 bits skip the per-channel rings when their sums cannot depend on the order
//! of the additions: levels as stored (exact integer sums), and normalised levels whose values (a
//! table per channel, computed as `normalise` computes them) add up exactly in f64 whatever the order
//! ([`sums_exact_in_any_order`], as robust maps, centred on whole or half levels, typically do). Each row's
//! values are then added into the outputs they belong to as it arrives, and the subbands keep only
//! their sums in flight. Writing every sample into its channel's ring (a transposition) costs
//! several times more.

use std::ops::Range;

use rayon::prelude::*;

use crate::bail;
use crate::blocks::{accumulate, block_value, Averaged};
use crate::dedisperse::Wrap;
use crate::error::{code, CoreResult};
use crate::filterbank::Layout;
use crate::normalise::ChannelMap;
use crate::shape::Shape;
use crate::weights::Weights;

/// The rings' size when the plan leaves it to the reducer: a few MiB, so that the samples written
/// into them are still in cache when the subbands read them.
const RING_BYTES: usize = 8 << 20;
/// The fewest rows reduced at a time.
const MIN_STEP: usize = 16;
/// Rows read together when adding levels.
const TILE_ROWS: usize = 16;

/// What a [`TimeReducer`] does to the samples.
#[derive(Debug, Clone)]
pub struct ReducePlan {
    /// Samples in the range being read (the input's time axis).
    pub ntime: usize,
    /// Output samples computed (after dedispersion, before downsampling): all `0..ntime`, or fewer,
    /// e.g. when a longer range was read so that the dispersion sweep is inside the data, or for the
    /// few samples a figure shows. Downsampling groups start at `start`, as `downsample` of the
    /// samples kept groups them.
    pub outputs: Range<usize>,
    /// Per-channel shifts (samples, positive = toward earlier time), row 0 the lowest frequency.
    pub shifts: Vec<i64>,
    pub wrap: Wrap,
    pub nsub: usize,
    /// Output samples of the dedispersed subbands averaged together.
    pub factor: usize,
    /// Exact zeros are missing samples (the tutorial's rule for its npz files).
    pub zeros_missing: bool,
    /// Each channel's normalisation (`None`: the channel cannot be normalised and is masked), or none.
    pub maps: Option<Vec<Option<ChannelMap>>>,
    /// Channels left out (masked), one flag per channel.
    pub masked: Vec<bool>,
    /// Rows reduced at a time (any number may be added at once): the ring holds this many and the
    /// sweep within a subband. 0 chooses a ring of a few MiB, which stays in cache.
    pub step: usize,
    /// Whether to return the output weights (a figure does not need them).
    pub weights: bool,
}

/// Where one subband's output has got to.
#[derive(Debug, Clone, Default)]
struct SubbandState {
    /// Output samples (before downsampling) computed up to here.
    done: usize,
    /// The downsampling group being summed: `Σ w·x`, `Σ w`, and how many samples it holds.
    group: (f64, f64, usize),
    /// Downsampled samples written.
    written: usize,
}

/// Streams time-major rows into a dedispersed, subbanded, downsampled waterfall.
pub struct TimeReducer {
    layout: Layout,
    plan: ReducePlan,
    /// Effective shifts: `Roll` shifts reduced into `(-ntime, ntime)`, keeping their sign.
    shifts: Vec<i64>,
    /// Per subband: the largest shift of a channel in use (when its outputs complete).
    last_shift: Vec<i64>,
    /// The virtual time range to feed, and the next virtual time expected.
    v0: i64,
    v1: i64,
    fed: i64,
    /// Rows reduced at a time; ring samples per channel, and the rings (`[nchan][cap]`).
    step: usize,
    cap: usize,
    ring: Ring,
    /// Per file channel, the normalised value of each level of a ≤ 8-bit sample (`[nchan][2^nbits]`),
    /// for the float ring.
    levels: Option<Vec<f32>>,
    /// Channels left out: masked, or without a normalisation.
    skip: Vec<bool>,
    states: Vec<SubbandState>,
    out: Vec<f32>,
    out_w: Vec<f32>,
    nout: usize,
}

impl TimeReducer {
    pub fn new(layout: Layout, plan: ReducePlan) -> CoreResult<Self> {
        let nchan = layout.nchan;
        let n = plan.ntime;
        let outputs = plan.outputs.clone();
        if n == 0 || outputs.is_empty() || outputs.end > n {
            bail!(code::ARGUMENT, "cannot compute output samples {outputs:?} of {n}");
        }
        if plan.shifts.len() != nchan || plan.masked.len() != nchan || plan.maps.as_ref().is_some_and(|m| m.len() != nchan) {
            bail!(code::SHAPE, "shifts, masks and normalisations must have one value per channel ({nchan})");
        }
        if plan.nsub == 0 || !nchan.is_multiple_of(plan.nsub) {
            bail!(
                code::NSUB_DIVISOR,
                "cannot split {nchan} channels into {} subbands: {} is not a divisor of {nchan}",
                plan.nsub,
                plan.nsub
            );
        }
        if plan.factor == 0 || plan.factor > outputs.len() {
            bail!(code::ARGUMENT, "downsampling factor must be between 1 and the {} samples, got {}", outputs.len(), plan.factor);
        }
        let ni = n as i64;
        let shifts: Vec<i64> = plan.shifts.iter().map(|&s| if plan.wrap == Wrap::Roll { s % ni } else { s }).collect();
        let used = |c: &usize| !plan.masked[*c] && plan.maps.as_ref().is_none_or(|m| m[*c].is_some());
        let in_use: Vec<i64> = (0..nchan).filter(used).map(|c| shifts[c]).collect();
        let (lo, hi) = (in_use.iter().copied().min().unwrap_or(0), in_use.iter().copied().max().unwrap_or(0));
        let (first, end) = (outputs.start as i64, outputs.end as i64);
        let (v0, v1) = match plan.wrap {
            Wrap::Roll => (first + lo, end + hi),
            Wrap::Invalidate => ((first + lo).clamp(0, ni), (end + hi).clamp(0, ni)),
        };
        let v1 = v1.max(v0);
        let per = nchan / plan.nsub;
        let mut last_shift = Vec::with_capacity(plan.nsub);
        let mut spread = 0;
        for k in 0..plan.nsub {
            let group: Vec<i64> = (k * per..(k + 1) * per).filter(used).map(|c| shifts[c]).collect();
            let (min, max) = (group.iter().copied().min().unwrap_or(v0), group.iter().copied().max().unwrap_or(v0));
            last_shift.push(max);
            spread = spread.max(max - min);
        }
        let step = match plan.step {
            0 => (RING_BYTES / (4 * nchan)).saturating_sub(spread as usize).max(MIN_STEP),
            rows => rows,
        };
        let cap = usize::try_from(spread).ok().and_then(|s| s.checked_add(step)).unwrap_or(usize::MAX);
        let mut cap = cap.min((v1 - v0).max(1) as usize);
        let Some(ring_len) = nchan.checked_mul(cap).filter(|&l| l <= isize::MAX as usize / 4) else {
            bail!(code::SHAPE, "the dispersion sweep within a subband ({spread} samples) is too long to hold for {nchan} channels");
        };
        let skip: Vec<bool> = (0..nchan).map(|c| !used(&c)).collect();
        let levels = match (&plan.maps, layout.nbits <= 8) {
            (Some(maps), true) => Some(level_table(layout, maps)),
            _ => None,
        };
        // outputs in flight in sums: a step and the sweep within a subband, and at the start the
        // samples before the data that `Invalidate` does not feed
        let sums_cap = spread as usize + step + (v0 - (first + lo)).max(0) as usize;
        let (ring, levels) = match levels {
            _ if layout.nbits > 8 || plan.zeros_missing => (Ring::Float(vec![f32::NAN; ring_len]), levels),
            None => {
                cap = sums_cap;
                (Ring::LevelSums(vec![0; plan.nsub * cap]), None)
            }
            Some(table) if sums_exact_in_any_order(layout, &table, &skip, per) => {
                cap = sums_cap;
                (Ring::ValueSums(vec![0.0; plan.nsub * cap], table), None)
            }
            Some(table) => (Ring::Float(vec![f32::NAN; ring_len]), Some(table)),
        };
        let nout = outputs.len() / plan.factor;
        let cells = Shape::new(plan.nsub, nout)?.len();
        let state = SubbandState { done: outputs.start, ..Default::default() };
        Ok(Self {
            layout,
            shifts,
            last_shift,
            v0,
            v1,
            fed: v0,
            step,
            cap,
            ring,
            levels,
            skip,
            states: vec![state; plan.nsub],
            out: vec![f32::NAN; cells],
            out_w: vec![0.0; if plan.weights { cells } else { 0 }],
            nout,
            plan,
        })
    }

    /// The virtual times `[start, end)` to feed, in order: virtual time `t` is input sample `t mod ntime`.
    pub fn feed_range(&self) -> (i64, i64) {
        (self.v0, self.v1)
    }

    /// Adds consecutive rows whose first is virtual time `first` (the next one expected).
    pub fn add(&mut self, bytes: &[u8], first: i64) -> CoreResult<()> {
        let rows = self.layout.rows(bytes)?.len();
        if first != self.fed {
            bail!(code::RANGE, "rows must arrive in order: expected virtual sample {}, got {first}", self.fed);
        }
        if first + rows as i64 > self.v1 {
            bail!(code::RANGE, "{rows} rows from virtual sample {first} run past the end {}", self.v1);
        }
        let row_bytes = self.layout.row_bytes();
        for part in bytes.chunks(self.step * row_bytes) {
            self.fill_ring(part, part.len() / row_bytes);
            self.fed += (part.len() / row_bytes) as i64;
            self.reduce_ready();
        }
        Ok(())
    }

    /// The reduced waterfall `[nsub][outputs / factor]` (weights empty unless asked for), once every
    /// row has been fed.
    pub fn finish(self) -> CoreResult<Averaged> {
        if self.fed != self.v1 {
            bail!(code::RANGE, "the reducer was fed virtual samples {}..{} of {}..{}", self.v0, self.fed, self.v0, self.v1);
        }
        Ok(Averaged { intensity: self.out, weights: self.out_w, shape: Shape::new(self.plan.nsub, self.nout)? })
    }

    /// Writes the rows into each channel's ring (normalised, or left out when masked), or adds
    /// each ≤ 8-bit level, or its normalised value, where it belongs.
    fn fill_ring(&mut self, bytes: &[u8], rows: usize) {
        let layout = self.layout;
        let adder = LevelAdder {
            layout,
            bytes,
            fed: self.fed,
            cap: self.cap,
            outputs: self.plan.outputs.clone(),
            shifts: &self.shifts,
            skip: &self.skip,
            per: layout.nchan / self.plan.nsub,
        };
        let start = (self.fed - self.v0).rem_euclid(self.cap as i64) as usize;
        let writer = RingWriter { layout, bytes, rows, cap: self.cap, start, skip: &self.skip };
        let count = 1usize << layout.nbits.min(8);
        match (&mut self.ring, &self.levels, &self.plan.maps) {
            (Ring::LevelSums(sums), ..) => adder.add(sums, &Levels(layout)),
            (Ring::ValueSums(sums, table), ..) => adder.add(sums, &LevelValues { layout, table }),
            (Ring::Float(ring), Some(levels), _) => {
                writer.write(ring, |row, file_channel, _| levels[file_channel * count + layout.level(row, file_channel)])
            }
            (Ring::Float(ring), None, Some(maps)) => writer.write(ring, |row, file_channel, c| match maps[c] {
                Some(map) => map.apply(layout.sample(row, file_channel)),
                None => f32::NAN,
            }),
            (Ring::Float(ring), None, None) => writer.write(ring, |row, file_channel, _| layout.sample(row, file_channel)),
        }
    }

    /// Whether normalised levels are summed as they arrive (not written into the channels' rings).
    #[cfg(test)]
    fn sums_values(&self) -> bool {
        matches!(self.ring, Ring::ValueSums(..))
    }

    /// Computes every output sample whose inputs have all arrived.
    fn reduce_ready(&mut self) {
        let per = self.layout.nchan / self.plan.nsub;
        let finished = self.fed >= self.v1;
        let (first, end) = (self.plan.outputs.start as i64, self.plan.outputs.end as i64);
        let weights = if self.plan.zeros_missing { Weights::ValidNonZero } else { Weights::Valid };
        let nout = self.nout;
        let weight_rows: Vec<&mut [f32]> = match self.plan.weights {
            true => self.out_w.chunks_mut(nout).collect(),
            false => (0..self.plan.nsub).map(|_| <&mut [f32]>::default()).collect(),
        };
        let (floats, sums): (&[f32], Vec<Pending>) = match &mut self.ring {
            Ring::Float(ring) => (ring, (0..self.plan.nsub).map(|_| Pending::InRing).collect()),
            Ring::LevelSums(sums) => (&[], sums.chunks_mut(self.cap).map(Pending::Levels).collect()),
            Ring::ValueSums(sums, _) => (&[], sums.chunks_mut(self.cap).map(Pending::Values).collect()),
        };
        let job = SubbandJob {
            ring: floats,
            cap: self.cap,
            v0: self.v0,
            ntime: self.plan.ntime as i64,
            shifts: &self.shifts,
            skip: &self.skip,
            wrap: self.plan.wrap,
            per,
            factor: self.plan.factor,
            weights,
            first_output: self.plan.outputs.start,
        };
        self.out
            .par_chunks_mut(nout)
            .zip(weight_rows.into_par_iter())
            .zip(sums.into_par_iter())
            .zip(self.states.par_iter_mut())
            .zip(self.last_shift.par_iter())
            .enumerate()
            .for_each(|(k, ((((row, wrow), sums), state), &last))| {
                let ready = if finished { end } else { (self.fed - last).clamp(first, end) } as usize;
                if ready > state.done {
                    let (sum_wx, sum_w) = match sums {
                        Pending::InRing => job.float_sums(k, state.done, ready),
                        Pending::Levels(sums) => job.pending_sums(k, state.done, ready, sums),
                        Pending::Values(sums) => job.pending_sums(k, state.done, ready, sums),
                    };
                    job.emit(state, ready, &sum_wx, &sum_w, row, wrow);
                }
            });
    }
}

/// Transposes a gulp of time-major rows into the channels' rings.
struct RingWriter<'a> {
    layout: Layout,
    bytes: &'a [u8],
    rows: usize,
    cap: usize,
    /// Ring index of the first row.
    start: usize,
    skip: &'a [bool],
}

impl RingWriter<'_> {
    /// `value(row, file_channel, our_channel)` for every sample. Tasks own blocks of channels wide
    /// enough that each row is read in long runs, and take the rows in tiles that stay in cache:
    /// each channel's ring is then written a cache line at a time.
    fn write<T: Copy + Send>(&self, ring: &mut [T], value: impl Fn(&[u8], usize, usize) -> T + Sync) {
        const TILE_ROWS: usize = 16;
        let row_bytes = self.layout.row_bytes();
        let cap = self.cap;
        let nchan = self.layout.nchan;
        let per_task = nchan.div_ceil(2 * rayon::current_num_threads()).max(64);
        ring.par_chunks_mut(cap * per_task).enumerate().for_each(|(b, block)| {
            let first = b * per_task;
            let channels: Vec<(usize, usize)> =
                (first..first + block.len() / cap).filter(|&c| !self.skip[c]).map(|c| (c - first, self.layout.channel(c))).collect();
            for r0 in (0..self.rows).step_by(TILE_ROWS) {
                let tile = &self.bytes[r0 * row_bytes..(r0 + TILE_ROWS).min(self.rows) * row_bytes];
                let at0 = (self.start + r0) % cap;
                for &(i, file_channel) in &channels {
                    let ring_row = &mut block[i * cap..(i + 1) * cap];
                    let mut at = at0;
                    for row in tile.chunks_exact(row_bytes) {
                        ring_row[at] = value(row, file_channel, first + i);
                        at += 1;
                        if at == cap {
                            at = 0;
                        }
                    }
                }
            }
        });
    }
}

/// Each channel's recent samples (`[nchan][cap]`); or, for ≤ 8-bit samples that are never missing,
/// each subband's sums of the outputs not yet complete (`[nsub][cap]`, output `j` at
/// `(j - first output) mod cap`). Sums of levels are exact integers, and so are, in units of their
/// smallest last place, sums of normalised levels (through each channel's table of its levels'
/// values) when [`sums_exact_in_any_order`] says so: either is the same in any order, so each row's
/// levels (or their values) are added where they belong as it arrives, without transposing.
enum Ring {
    Float(Vec<f32>),
    LevelSums(Vec<i32>),
    /// The sums, and the levels' values per file channel (`[nchan][2^nbits]`).
    ValueSums(Vec<f64>, Vec<f32>),
}

/// One subband's outputs in flight: in the channels' rings, or summed.
enum Pending<'a> {
    InRing,
    Levels(&'a mut [i32]),
    Values(&'a mut [f64]),
}

/// Per file channel, the normalised value of each of the `2^nbits` levels of a ≤ 8-bit sample, as
/// `normalise` computes it from the level's value as a float (NaN for a channel without a map).
fn level_table(layout: Layout, maps: &[Option<ChannelMap>]) -> Vec<f32> {
    let count = 1usize << layout.nbits;
    let mut table = vec![f32::NAN; layout.nchan * count];
    for (c, map) in maps.iter().enumerate() {
        if let Some(map) = map {
            let file_channel = layout.channel(c);
            for level in 0..count {
                table[file_channel * count + level] = map.apply(layout.level_value(level) as f32);
            }
        }
    }
    table
}

/// Whether, in every subband (`per` channels), adding one value of each channel in use (`table`,
/// per file channel) in f64 is exact whatever the values and the order: every value is finite,
/// hence a whole multiple of the smallest unit in the last place `u` among the nonzero ones, and
/// the largest magnitudes of the channels add up to less than `2^52 u`, so every partial sum is a
/// multiple of `u` below `2^53 u`, which f64 holds exactly. Then the sums added as the rows arrive
/// are the in-memory kernel's sums in channel order, bit for bit.
fn sums_exact_in_any_order(layout: Layout, table: &[f32], skip: &[bool], per: usize) -> bool {
    let count = 1usize << layout.nbits;
    skip.chunks(per).enumerate().all(|(k, skipped)| {
        let (mut unit, mut largest) = (f64::INFINITY, 0f64);
        for c in (k * per..(k + 1) * per).filter(|&c| !skipped[c - k * per]) {
            let file_channel = layout.channel(c);
            let values = &table[file_channel * count..(file_channel + 1) * count];
            if !values.iter().all(|v| v.is_finite()) {
                return false;
            }
            for &v in values.iter().filter(|&&v| v != 0.0) {
                unit = unit.min(unit_in_last_place(v));
            }
            largest += values.iter().fold(0f64, |m, &v| m.max(v.abs() as f64));
        }
        // `largest` is rounded up to at most (per · 2^-53) of itself: the margin of 2^52 covers that
        largest <= unit * 2f64.powi(52)
    })
}

/// The value of the last bit of a nonzero finite f32's significand.
fn unit_in_last_place(v: f32) -> f64 {
    let exponent = ((v.to_bits() >> 23) & 0xff) as i32;
    2f64.powi(exponent.max(1) - 127 - 23)
}

/// Adds rows of ≤ 8-bit levels (or their values) into the subbands' sums. Tasks own blocks of
/// subbands and read their channels' bytes of each row in order.
struct LevelAdder<'a> {
    layout: Layout,
    bytes: &'a [u8],
    /// Virtual time of the first row.
    fed: i64,
    cap: usize,
    outputs: Range<usize>,
    shifts: &'a [i64],
    skip: &'a [bool],
    per: usize,
}

impl LevelAdder<'_> {
    fn add<R: RunSums>(&self, sums: &mut [R::Sum], run_sums: &R) {
        let nsub = self.layout.nchan / self.per;
        let per_task = nsub.div_ceil(2 * rayon::current_num_threads()).max(1);
        let (first, end) = (self.outputs.start as i64, self.outputs.end as i64);
        let cap = self.cap as i64;
        let row_bytes = self.layout.row_bytes();
        sums.par_chunks_mut(self.cap * per_task).enumerate().for_each(|(b, block)| {
            let k0 = b * per_task;
            // runs of adjacent channels in use with the same shift (their levels go to the same output):
            // their file channels, their subband's sums, the output their next row goes to, its slot
            let mut runs: Vec<(Range<usize>, usize, i64, usize)> = Vec::new();
            for c in (k0 * self.per..(k0 + block.len() / self.cap) * self.per).filter(|&c| !self.skip[c]) {
                let (file_channel, base, j) = (self.layout.channel(c), (c / self.per - k0) * self.cap, self.fed - self.shifts[c]);
                match runs.last_mut() {
                    Some((files, b, jj, _)) if *b == base && *jj == j && (files.end == file_channel || files.start == file_channel + 1) => {
                        *files = files.start.min(file_channel)..files.end.max(file_channel + 1);
                    }
                    _ => runs.push((file_channel..file_channel + 1, base, j, (j - first).rem_euclid(cap) as usize)),
                }
            }
            // a few rows at a time (their pages stay in the TLB), each run along them
            for tile in self.bytes.chunks(TILE_ROWS * row_bytes) {
                let rows = tile.len() / row_bytes;
                for (files, base, next_j, next_slot) in runs.iter_mut() {
                    let (j, slot) = (*next_j, *next_slot);
                    // the rows whose output is one computed
                    let (lo, hi) = ((first - j).clamp(0, rows as i64) as usize, (end - j).clamp(0, rows as i64) as usize);
                    // their slots, in at most two pieces (the ring wraps)
                    let (at, n) = ((slot + lo) % self.cap, hi.saturating_sub(lo));
                    let head = n.min(self.cap - at);
                    let ring = &mut block[*base..*base + self.cap];
                    run_sums.add_rows(&mut ring[at..at + head], &tile[lo * row_bytes..], row_bytes, files.clone());
                    run_sums.add_rows(&mut ring[..n - head], &tile[(lo + head) * row_bytes..], row_bytes, files.clone());
                    (*next_j, *next_slot) = (j + rows as i64, (slot + rows) % self.cap);
                }
            }
        });
    }
}

/// Adds the samples of a run of file channels of consecutive rows into their sums.
trait RunSums: Sync {
    type Sum: Copy + Send;
    /// `sums[i] +=` the sum of `files`' samples of row `i` of `rows` (rows of `row_bytes`).
    fn add_rows(&self, sums: &mut [Self::Sum], rows: &[u8], row_bytes: usize, files: Range<usize>);
}

/// Levels' values as they are (two's complement for signed bytes): exact integer sums.
struct Levels(Layout);

impl RunSums for Levels {
    type Sum = i32;
    fn add_rows(&self, sums: &mut [i32], rows: &[u8], row_bytes: usize, files: Range<usize>) {
        for (sum, row) in sums.iter_mut().zip(rows.chunks(row_bytes)) {
            *sum += match (self.0.nbits, self.0.signed) {
                (8, false) => row[files.clone()].iter().map(|&v| v as i32).sum::<i32>(),
                (8, true) => row[files.clone()].iter().map(|&v| v as i8 as i32).sum::<i32>(),
                _ => files.clone().map(|f| self.0.level(row, f) as i32).sum(),
            };
        }
    }
}

/// Levels through each channel's table of their normalised values: sums exact when
/// [`sums_exact_in_any_order`] holds.
struct LevelValues<'a> {
    layout: Layout,
    /// `[nchan][2^nbits]`, file channel order.
    table: &'a [f32],
}

impl RunSums for LevelValues<'_> {
    type Sum = f64;
    fn add_rows(&self, sums: &mut [f64], rows: &[u8], row_bytes: usize, files: Range<usize>) {
        let count = 1usize << self.layout.nbits;
        for f in files {
            let table = &self.table[f * count..(f + 1) * count];
            for (sum, row) in sums.iter_mut().zip(rows.chunks(row_bytes)) {
                *sum += table[self.layout.level(row, f)] as f64;
            }
        }
    }
}

/// What every subband's computation reads.
struct SubbandJob<'a> {
    ring: &'a [f32],
    cap: usize,
    v0: i64,
    ntime: i64,
    shifts: &'a [i64],
    /// Channels left out (masked, or without a normalisation).
    skip: &'a [bool],
    wrap: Wrap,
    per: usize,
    factor: usize,
    weights: Weights<'static>,
    /// The first output sample computed (index 0 of the output rows).
    first_output: usize,
}

impl SubbandJob<'_> {
    /// `Σ w·x` and `Σ w` of output samples `[done, ready)` of subband `k` from the rings: the
    /// channels' samples added in channel order, as `dedisperse_subband` adds them.
    fn float_sums(&self, k: usize, done: usize, ready: usize) -> (Vec<f64>, Vec<f64>) {
        let len = ready - done;
        let mut sum_wx = vec![0f64; len];
        let mut sum_w = vec![0f64; len];
        for c in k * self.per..(k + 1) * self.per {
            if self.skip[c] {
                continue; // all NaN: adds nothing
            }
            let shift = self.shifts[c];
            // outputs j whose input j + shift exists
            let (lo, hi) = match self.wrap {
                Wrap::Roll => (done as i64, ready as i64),
                Wrap::Invalidate => ((done as i64).max(-shift), (ready as i64).min(self.ntime - shift)),
            };
            if lo >= hi {
                continue;
            }
            let channel = &self.ring[c * self.cap..(c + 1) * self.cap];
            let mut j = lo;
            while j < hi {
                let at = (j + shift - self.v0).rem_euclid(self.cap as i64) as usize;
                let run = ((hi - j) as usize).min(self.cap - at);
                let out = (j as usize - done)..(j as usize - done + run);
                accumulate(&mut sum_wx[out.clone()], &mut sum_w[out], &channel[at..at + run], self.weights);
                j += run as i64;
            }
        }
        (sum_wx, sum_w)
    }

    /// The same sums for levels or values added as they arrived (emptying their slots): exact, so
    /// `Σ x` and the count of channels with an input (every value is valid) are the float path's.
    fn pending_sums<S: Copy + Default + Into<f64>>(&self, k: usize, done: usize, ready: usize, sums: &mut [S]) -> (Vec<f64>, Vec<f64>) {
        let cap = self.cap;
        let channels: Vec<i64> = (k * self.per..(k + 1) * self.per).filter(|&c| !self.skip[c]).map(|c| self.shifts[c]).collect();
        // outputs `j` whose inputs `j + shift` are all inside the data (all of them for `Roll`)
        let (lo, hi) = (channels.iter().copied().min().unwrap_or(0), channels.iter().copied().max().unwrap_or(0));
        let inside = -lo..self.ntime - hi;
        let mut sum_wx = Vec::with_capacity(ready - done);
        let mut sum_w = Vec::with_capacity(ready - done);
        for j in done..ready {
            let slot = &mut sums[(j - self.first_output) % cap];
            sum_wx.push(std::mem::take(slot).into());
            let count = match self.wrap {
                Wrap::Invalidate if !inside.contains(&(j as i64)) => {
                    channels.iter().filter(|&&s| (0..self.ntime).contains(&(j as i64 + s))).count()
                }
                _ => channels.len(),
            };
            sum_w.push(count as f64);
        }
        (sum_wx, sum_w)
    }

    /// Writes output samples `[state.done, ready)` from their sums: each subband sample as
    /// `dedisperse_subband` rounds it, then averaged in groups of `factor` as `downsample` does.
    fn emit(&self, state: &mut SubbandState, ready: usize, sum_wx: &[f64], sum_w: &[f64], row: &mut [f32], wrow: &mut [f32]) {
        let (done, len) = (state.done, ready - state.done);
        let first = self.first_output;
        for i in 0..len {
            let value = block_value(sum_wx[i], sum_w[i]);
            let weight = (sum_w[i] / self.per as f64) as f32;
            if self.factor == 1 {
                row[done - first + i] = value;
                if let Some(w) = wrow.get_mut(done - first + i) {
                    *w = weight;
                }
                continue;
            }
            // as `downsample` with these explicit weights
            let w = Weights::Explicit(std::slice::from_ref(&weight)).at(value, 0);
            let group = &mut state.group;
            if w > 0.0 {
                group.0 += w * value as f64;
                group.1 += w;
            }
            group.2 += 1;
            if group.2 == self.factor {
                if state.written < row.len() {
                    row[state.written] = block_value(group.0, group.1);
                    if let Some(w) = wrow.get_mut(state.written) {
                        *w = (group.1 / self.factor as f64) as f32;
                    }
                }
                state.written += 1;
                *group = (0.0, 0.0, 0);
            }
        }
        state.done = ready;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::{dedisperse_subband, downsample};
    use crate::filterbank::{pack, unpack};

    /// Whole-array reference: shifts, subbands, then downsampling, as the in-memory path.
    fn reference(x: &[f32], shape: Shape, plan: &ReducePlan) -> Averaged {
        let sub = dedisperse_subband(x, Weights::Valid, shape, &plan.shifts, plan.wrap, plan.nsub).unwrap();
        let kept: Vec<f32> = sub.intensity.chunks(shape.ntime).flat_map(|r| r[plan.outputs.clone()].to_vec()).collect();
        let kept_w: Vec<f32> = sub.weights.chunks(shape.ntime).flat_map(|r| r[plan.outputs.clone()].to_vec()).collect();
        let kept_shape = Shape::new(plan.nsub, plan.outputs.len()).unwrap();
        if plan.factor == 1 {
            return Averaged { intensity: kept, weights: kept_w, shape: kept_shape };
        }
        downsample(&kept, Weights::Explicit(&kept_w), kept_shape, plan.factor).unwrap()
    }

    /// Feeds `bytes` (the whole input, time-major) in gulps of `gulp` rows along the virtual axis.
    fn stream(bytes: &[u8], layout: Layout, plan: ReducePlan, gulp: usize) -> Averaged {
        let n = plan.ntime as i64;
        let mut reducer = TimeReducer::new(layout, plan).unwrap();
        let (v0, v1) = reducer.feed_range();
        let rb = layout.row_bytes();
        let mut v = v0;
        while v < v1 {
            let real = v.rem_euclid(n);
            let count = (gulp as i64).min(v1 - v).min(n - real);
            reducer.add(&bytes[real as usize * rb..(real + count) as usize * rb], v).unwrap();
            v += count;
        }
        reducer.finish().unwrap()
    }

    fn same(a: &Averaged, b: &Averaged, what: &str) {
        assert_eq!(a.shape, b.shape, "{what}");
        for (i, (x, y)) in a.intensity.iter().zip(&b.intensity).enumerate() {
            assert!(x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()), "{what}: intensity[{i}] {x} vs {y}");
        }
        assert_eq!(a.weights, b.weights, "{what}: weights");
    }

    /// The stream fed a row at a time, in odd gulps and steps, and in gulps of the ring's own step.
    fn same_in_gulps(bytes: &[u8], layout: Layout, plan: &ReducePlan, expected: &Averaged, what: &str) {
        for (gulp, step) in [(1, 1), (13, 5), (40, 0)] {
            same(&stream(bytes, layout, ReducePlan { step, ..plan.clone() }, gulp), expected, &format!("{what} gulp {gulp} step {step}"));
        }
    }

    fn noise(nchan: usize, ntime: usize) -> Vec<f32> {
        (0..nchan * ntime).map(|i| ((i * 7919 + i / 13) % 1009) as f32 * 0.37 - 50.0).collect()
    }

    #[test]
    fn streams_equal_the_whole_array_kernels_bit_for_bit() {
        let (nchan, ntime) = (12, 101);
        let shape = Shape::new(nchan, ntime).unwrap();
        let mut x = noise(nchan, ntime);
        x[5 * ntime + 17] = f32::NAN;
        x[2 * ntime + 90] = f32::INFINITY;
        let shift_sets: [Vec<i64>; 3] = [
            (0..12).map(|c| (11 - c) * 3).collect(),
            (0..12).map(|c| 20 - 4 * c).collect(),
            vec![250, -7, 0, 3, 101, -220, 5, 5, 9, 1, 0, 64],
        ];
        for descending in [false, true] {
            let layout = Layout::new(32, nchan, descending).unwrap();
            let bytes = pack(&x, shape, layout).unwrap();
            for shifts in &shift_sets {
                for wrap in [Wrap::Roll, Wrap::Invalidate] {
                    for (nsub, factor, outputs) in [
                        (3, 1, 0..101),
                        (4, 5, 0..101),
                        (12, 3, 0..80),
                        (1, 7, 0..64),
                        (6, 1, 0..1),
                        (4, 5, 35..97),
                        (4, 3, 37..97),
                        (3, 1, 50..51),
                    ] {
                        let plan = ReducePlan {
                            ntime,
                            outputs: outputs.clone(),
                            shifts: shifts.clone(),
                            wrap,
                            nsub,
                            factor,
                            zeros_missing: false,
                            maps: None,
                            masked: vec![false; nchan],
                            step: 16,
                            weights: true,
                        };
                        let expected = reference(&x, shape, &plan);
                        for gulp in [1, 7, 16] {
                            let what = format!(
                                "{shifts:?} {wrap:?} nsub {nsub} factor {factor} outputs {outputs:?} gulp {gulp} descending {descending}"
                            );
                            same(&stream(&bytes, layout, ReducePlan { step: gulp, ..plan.clone() }, gulp), &expected, &what);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn levels_summed_as_they_arrive_equal_the_whole_array_kernels_bit_for_bit() {
        use crate::masks::mask_channels;
        for (nbits, nchan) in [(8, 12), (2, 16), (1, 24)] {
            let ntime = 97;
            let layout = Layout::new(nbits, nchan, nbits != 2).unwrap();
            let bytes: Vec<u8> = (0..ntime * layout.row_bytes()).map(|i| ((i * 2654435761usize) >> 9) as u8).collect();
            let (mut x, shape) = unpack(&bytes, layout).unwrap();
            mask_channels(&mut x, None, shape, &[2, 7]).unwrap();
            let mut masked = vec![false; nchan];
            masked[2] = true;
            masked[7] = true;
            let shifts: Vec<i64> = (0..nchan as i64).map(|c| (nchan as i64 - c) * 5 - 20).collect();
            for wrap in [Wrap::Roll, Wrap::Invalidate] {
                for (nsub, factor, outputs) in [(4, 1, 0..97), (nchan / 2, 3, 0..97), (1, 4, 12..60), (2, 5, 13..60), (nchan, 2, 0..9)] {
                    let plan = ReducePlan {
                        ntime,
                        outputs: outputs.clone(),
                        shifts: shifts.clone(),
                        wrap,
                        nsub,
                        factor,
                        zeros_missing: false,
                        maps: None,
                        masked: masked.clone(),
                        step: 0,
                        weights: true,
                    };
                    let what = format!("{nbits} bits {wrap:?} nsub {nsub} factor {factor} outputs {outputs:?}");
                    same_in_gulps(&bytes, layout, &plan, &reference(&x, shape, &plan), &what);
                }
            }
        }
    }

    #[test]
    fn packed_integers_masks_and_normalisation_equal_the_in_memory_steps() {
        use crate::masks::mask_channels;
        use crate::normalise::{normalise, Normalisation};
        let (nchan, ntime) = (16, 77);
        let shape = Shape::new(nchan, ntime).unwrap();
        let levels: Vec<u8> = (0..nchan * ntime).map(|i| ((i * 37 + i / 5) % 16) as u8).collect();
        let layout = Layout::new(4, nchan, true).unwrap();
        // pack 4-bit levels (file order: descending), lowest bits first
        let mut bytes = vec![0u8; ntime * nchan / 2];
        for t in 0..ntime {
            for f in 0..nchan {
                let v = levels[(nchan - 1 - f) * ntime + t];
                bytes[t * nchan / 2 + f / 2] |= v << ((f % 2) * 4);
            }
        }
        let (x, _) = unpack(&bytes, layout).unwrap();
        let mut normalised = x.clone();
        normalise(&mut normalised, None, shape, Normalisation::Zscore).unwrap();
        mask_channels(&mut normalised, None, shape, &[3, 9]).unwrap();
        // the maps the stream uses, from the same statistics
        let moments = crate::stats::channel_moments(&x, Weights::Valid, shape).unwrap();
        let maps: Vec<Option<ChannelMap>> =
            (0..nchan).map(|c| ChannelMap::new(Normalisation::Zscore, moments.mean[c], moments.variance[c], f64::NAN, f64::NAN)).collect();
        let mut masked = vec![false; nchan];
        masked[3] = true;
        masked[9] = true;
        let shifts: Vec<i64> = (0..nchan as i64).map(|c| (15 - c) * 2).collect();
        let plan = ReducePlan {
            ntime,
            outputs: 0..ntime,
            shifts,
            wrap: Wrap::Roll,
            nsub: 4,
            factor: 2,
            zeros_missing: false,
            maps: Some(maps),
            masked,
            step: 10,
            weights: true,
        };
        let expected = reference(&normalised, shape, &plan);
        same(&stream(&bytes, layout, plan, 10), &expected, "4-bit, zscore, masks");
    }

    #[test]
    fn normalised_levels_summed_as_they_arrive_equal_the_whole_array_kernels_bit_for_bit() {
        use crate::masks::mask_channels;
        use crate::normalise::{normalise, Normalisation};
        use crate::stream::ChannelPass;
        let ntime = 89;
        for (nbits, nchan, method) in [
            (8, 16, Normalisation::Robust),
            (8, 16, Normalisation::Zscore),
            (4, 16, Normalisation::Robust),
            (2, 24, Normalisation::Fractional),
            (1, 32, Normalisation::Zscore),
        ] {
            let shape = Shape::new(nchan, ntime).unwrap();
            let top = (1usize << nbits) - 1;
            // levels; channel 5 all zero (no spread, no mean: not normalised, NaN in memory)
            let x: Vec<f32> =
                (0..nchan * ntime).map(|i| if i / ntime == 5 { 0.0 } else { (((i * 2654435761usize) >> 11) % (top + 1)) as f32 }).collect();
            let mut expected_x = x.clone();
            normalise(&mut expected_x, None, shape, method).unwrap();
            mask_channels(&mut expected_x, None, shape, &[3]).unwrap();
            for descending in [false, true] {
                let layout = Layout::new(nbits, nchan, descending).unwrap();
                let bytes = pack_levels(&x, shape, layout);
                // the maps the stream uses: medians from level counts, moments as the in-memory kernel sums them
                let mut pass = ChannelPass::new(layout, true).unwrap();
                pass.add(&bytes).unwrap();
                let stats = pass.finish();
                let moments = crate::stats::channel_moments(&x, Weights::Valid, shape).unwrap();
                let maps: Vec<Option<ChannelMap>> = (0..nchan)
                    .map(|c| ChannelMap::new(method, moments.mean[c], moments.variance[c], stats.median[c], stats.mad[c]))
                    .collect();
                assert!(maps[5].is_none() && maps.iter().filter(|m| m.is_none()).count() == 1, "{nbits} bits {method:?}: {maps:?}");
                let mut masked = vec![false; nchan];
                masked[3] = true;
                let shifts: Vec<i64> = (0..nchan as i64).map(|c| (nchan as i64 - c) * 3 - 11).collect();
                let base = ReducePlan { ntime, shifts, maps: Some(maps), masked, step: 0, weights: true, ..small_plan() };
                for wrap in [Wrap::Roll, Wrap::Invalidate] {
                    for (nsub, factor, outputs) in [(4, 1, 0..89), (2, 3, 0..89), (1, 4, 10..60), (nchan, 2, 7..30)] {
                        let plan = ReducePlan { outputs: outputs.clone(), wrap, nsub, factor, ..base.clone() };
                        assert!(
                            TimeReducer::new(layout, plan.clone()).unwrap().sums_values(),
                            "{nbits} bits {method:?}: summed as they arrive"
                        );
                        let what = format!(
                            "{nbits} bits {method:?} descending {descending} {wrap:?} nsub {nsub} factor {factor} outputs {outputs:?}"
                        );
                        same_in_gulps(&bytes, layout, &plan, &reference(&expected_x, shape, &plan), &what);
                    }
                }
            }
        }
    }

    #[test]
    fn signed_samples_as_stored_and_normalised_equal_the_whole_array_kernels_bit_for_bit() {
        use crate::masks::mask_channels;
        use crate::normalise::{normalise, Normalisation};
        use crate::stats::{channel_medians, channel_moments};
        use crate::stream::testing::signed_rows;
        let (nchan, ntime) = (18, 97);
        let mut paths = Vec::new();
        for (nbits, descending) in [(8, false), (8, true), (16, true)] {
            let (layout, bytes) = signed_rows(nbits, nchan, ntime, descending);
            let (x, shape) = unpack(&bytes, layout).unwrap();
            let moments = channel_moments(&x, Weights::Valid, shape).unwrap();
            let medians = channel_medians(&x, Weights::Valid, shape).unwrap();
            let mut masked = vec![false; nchan];
            masked[8] = true;
            let shifts: Vec<i64> = (0..nchan as i64).map(|c| (nchan as i64 - c) * 4 - 25).collect();
            // as stored, every normalisation, and maps whose sums could round (channel 3's values 2^40 times the others')
            let methods = [None, Some(Normalisation::Robust), Some(Normalisation::Zscore), Some(Normalisation::Fractional), None];
            for (i, method) in methods.into_iter().enumerate() {
                let (maps, mut expected_x) = match method {
                    Some(m) => {
                        let maps: Vec<Option<ChannelMap>> = (0..nchan)
                            .map(|c| ChannelMap::new(m, moments.mean[c], moments.variance[c], medians.median[c], medians.mad[c]))
                            .collect();
                        let mut normalised = x.clone();
                        normalise(&mut normalised, None, shape, m).unwrap();
                        (Some(maps), normalised)
                    }
                    None if i > 0 => {
                        let maps: Vec<Option<ChannelMap>> = (0..nchan)
                            .map(|c| Some(ChannelMap { centre: -0.5, scale: if c == 3 { 2f64.powi(-40) } else { 3.0 }, offset: 0.0 }))
                            .collect();
                        let normalised = x.iter().enumerate().map(|(k, &v)| maps[k / ntime].unwrap().apply(v)).collect();
                        (Some(maps), normalised)
                    }
                    None => (None, x.clone()),
                };
                mask_channels(&mut expected_x, None, shape, &[8]).unwrap();
                let base =
                    ReducePlan { ntime, shifts: shifts.clone(), maps, masked: masked.clone(), step: 0, weights: true, ..small_plan() };
                for wrap in [Wrap::Roll, Wrap::Invalidate] {
                    for (nsub, factor, outputs) in [(3, 1, 0..97), (6, 4, 11..90), (1, 5, 0..97), (nchan, 2, 30..41)] {
                        let plan = ReducePlan { outputs: outputs.clone(), wrap, nsub, factor, ..base.clone() };
                        let reducer = TimeReducer::new(layout, plan.clone()).unwrap();
                        paths.push(match (&reducer.ring, &reducer.levels) {
                            (Ring::LevelSums(_), _) => (nbits, "level sums"),
                            (Ring::ValueSums(..), _) => (nbits, "value sums"),
                            (Ring::Float(_), Some(_)) => (nbits, "rings through the level table"),
                            (Ring::Float(_), None) => (nbits, "rings of samples"),
                        });
                        let what = format!(
                            "signed {nbits} bits case {i} {method:?} descending {descending} {wrap:?} nsub {nsub} factor {factor} outputs {outputs:?}"
                        );
                        same_in_gulps(&bytes, layout, &plan, &reference(&expected_x, shape, &plan), &what);
                    }
                }
            }
        }
        for path in [(8, "level sums"), (8, "value sums"), (8, "rings through the level table"), (16, "rings of samples")] {
            assert!(paths.contains(&path), "{path:?} not taken: {paths:?}");
        }
    }

    #[test]
    fn normalised_levels_go_through_the_rings_when_their_sums_could_round() {
        use crate::masks::mask_channels;
        // channel 2's values are 2^40 times channel 1's, in the same subband: f64 sums of them may round
        let (nchan, ntime) = (8, 61);
        let shape = Shape::new(nchan, ntime).unwrap();
        let x: Vec<f32> = (0..nchan * ntime).map(|i| ((i * 7 + i / 5) % 256) as f32).collect();
        let maps: Vec<Option<ChannelMap>> =
            (0..nchan).map(|c| Some(ChannelMap { centre: 100.5, scale: if c == 2 { 2f64.powi(-40) } else { 3.0 }, offset: 0.0 })).collect();
        let mut normalised: Vec<f32> = x.iter().enumerate().map(|(i, &v)| maps[i / ntime].unwrap().apply(v)).collect();
        mask_channels(&mut normalised, None, shape, &[6]).unwrap();
        let mut masked = vec![false; nchan];
        masked[6] = true;
        for descending in [false, true] {
            let layout = Layout::new(8, nchan, descending).unwrap();
            let bytes = pack(&x, shape, layout).unwrap();
            let plan = ReducePlan {
                ntime,
                outputs: 0..ntime,
                shifts: (0..nchan as i64).map(|c| 16 - 2 * c).collect(),
                wrap: Wrap::Invalidate,
                nsub: 2,
                factor: 3,
                zeros_missing: false,
                maps: Some(maps.clone()),
                masked: masked.clone(),
                step: 7,
                weights: true,
            };
            assert!(!TimeReducer::new(layout, plan.clone()).unwrap().sums_values());
            same(&stream(&bytes, layout, plan.clone(), 9), &reference(&normalised, shape, &plan), &format!("descending {descending}"));
        }
    }

    #[test]
    fn sums_are_exact_in_any_order_only_below_2_to_the_52_units_of_the_finest_value() {
        // 4 channels of 2-bit levels, subbands of 2; tables per file channel
        let layout = Layout::new(2, 4, false).unwrap();
        let exact = |pairs: [[f32; 2]; 4], skip: [bool; 4]| {
            let table: Vec<f32> = pairs.iter().flat_map(|&[a, b]| [a, b, 0.0, -a]).collect();
            sums_exact_in_any_order(layout, &table, &skip, 2)
        };
        let none = [false; 4];
        assert!(exact([[-0.75, 1.25], [-1.5, 0.5], [3.0, -2.0], [0.0, 7.0]], none));
        // 2^28 and 1 (units 2^5 and 2^-23) add up to 2^28 + 1 <= 2^29 = 2^52 units of 2^-23; 2^29 + 1 does not
        assert!(exact([[2f32.powi(28), 0.0], [1.0, 0.0], [0.0; 2], [0.0; 2]], none));
        assert!(!exact([[2f32.powi(29), 0.0], [1.0, 0.0], [0.0; 2], [0.0; 2]], none));
        // in different subbands they never meet
        assert!(exact([[2f32.powi(29), 0.0], [0.0; 2], [1.0, 0.0], [0.0; 2]], none));
        // subnormals count by their own unit
        assert!(exact([[f32::from_bits(1), 0.0], [2f32.powi(-100), 0.0], [0.0; 2], [0.0; 2]], none));
        assert!(!exact([[f32::from_bits(1), 0.0], [2f32.powi(-96), 0.0], [0.0; 2], [0.0; 2]], none));
        // a value that is not finite (a channel in use) cannot be summed as it arrives
        assert!(!exact([[1.0, f32::INFINITY], [0.0; 2], [0.0; 2], [0.0; 2]], none));
        assert!(exact([[1.0, 2.0], [f32::NAN; 2], [0.0; 2], [0.0; 2]], [false, true, false, false]));
    }

    /// `x` (`[nchan][ntime]`, whole levels) as time-major rows of ≤ 8-bit samples, lowest bits first.
    fn pack_levels(x: &[f32], shape: Shape, layout: Layout) -> Vec<u8> {
        let per_byte = 8 / layout.nbits;
        let mut bytes = vec![0u8; shape.ntime * layout.row_bytes()];
        for t in 0..shape.ntime {
            for c in 0..shape.nchan {
                let f = layout.channel(c);
                bytes[t * layout.row_bytes() + f / per_byte] |= (x[c * shape.ntime + t] as u8) << ((f % per_byte) * layout.nbits);
            }
        }
        assert_eq!(unpack(&bytes, layout).unwrap().0, x);
        bytes
    }

    fn small_plan() -> ReducePlan {
        ReducePlan {
            ntime: 10,
            outputs: 0..10,
            shifts: vec![0; 4],
            wrap: Wrap::Roll,
            nsub: 2,
            factor: 1,
            zeros_missing: false,
            maps: None,
            masked: vec![false; 4],
            step: 4,
            weights: false,
        }
    }

    #[test]
    fn bad_plans_and_feeds_are_errors() {
        let layout = Layout::new(8, 4, false).unwrap();
        let plan = small_plan();
        assert_eq!(TimeReducer::new(layout, ReducePlan { nsub: 3, ..plan.clone() }).err().unwrap().code, code::NSUB_DIVISOR);
        assert_eq!(TimeReducer::new(layout, ReducePlan { factor: 11, ..plan.clone() }).err().unwrap().code, code::ARGUMENT);
        assert_eq!(TimeReducer::new(layout, ReducePlan { outputs: 0..11, ..plan.clone() }).err().unwrap().code, code::ARGUMENT);
        let mut reducer = TimeReducer::new(layout, plan).unwrap();
        assert_eq!(reducer.add(&[0; 8], 1).unwrap_err().code, code::RANGE);
        assert_eq!(reducer.add(&[0; 44], 0).unwrap_err().code, code::RANGE);
        assert_eq!(reducer.add(&[0; 7], 0).unwrap_err().code, code::SHAPE);
        reducer.add(&[0; 16], 0).unwrap();
        assert_eq!(reducer.finish().err().unwrap().code, code::RANGE);
        // without weights, the output weights are empty
        let mut reducer = TimeReducer::new(layout, ReducePlan { step: 10, ..small_plan() }).unwrap();
        reducer.add(&[7; 40], 0).unwrap();
        let out = reducer.finish().unwrap();
        assert_eq!((out.intensity, out.weights.len()), (vec![7.0; 20], 0));
    }
}

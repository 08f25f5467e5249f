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

/// What a [`TimeReducer`] does to the samples.
#[derive(Debug, Clone)]
pub struct ReducePlan {
    /// Samples in the range being read (the input's time axis).
    pub ntime: usize,
    /// Output samples computed (after dedispersion, before downsampling): all `0..ntime`, or fewer,
    /// e.g. when a longer range was read so that the dispersion sweep is inside the data, or for the
    /// few samples a figure shows. `start` is a multiple of `factor` (downsampling groups start at 0).
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
    /// The most rows one [`TimeReducer::add`] brings.
    pub max_gulp: usize,
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
    /// Ring samples per channel, and the rings (`[nchan][cap]`).
    cap: usize,
    ring: Vec<f32>,
    /// Per channel, the normalised value of each level of a ≤ 8-bit sample (`[nchan][2^nbits]`).
    levels: Option<Vec<f32>>,
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
        if n == 0 || outputs.is_empty() || outputs.end > n || !outputs.start.is_multiple_of(plan.factor.max(1)) {
            bail!(code::ARGUMENT, "cannot compute output samples {outputs:?} of {n} in groups of {}", plan.factor);
        }
        if plan.shifts.len() != nchan || plan.masked.len() != nchan || plan.maps.as_ref().is_some_and(|m| m.len() != nchan) {
            bail!(code::SHAPE, "shifts, masks and normalisations must have one value per channel ({nchan})");
        }
        if plan.nsub == 0 || !nchan.is_multiple_of(plan.nsub) {
            bail!(code::NSUB_DIVISOR, "cannot split {nchan} channels into {} subbands: {} is not a divisor of {nchan}", plan.nsub, plan.nsub);
        }
        if plan.factor == 0 || plan.factor > outputs.len() {
            bail!(code::ARGUMENT, "downsampling factor must be between 1 and the {} samples, got {}", outputs.len(), plan.factor);
        }
        if plan.max_gulp == 0 {
            bail!(code::ARGUMENT, "a gulp must hold at least one sample");
        }
        let ni = n as i64;
        let shifts: Vec<i64> = plan.shifts.iter().map(|&s| if plan.wrap == Wrap::Roll { s % ni } else { s }).collect();
        let used = |c: &usize| !plan.masked[*c] && !plan.maps.as_ref().is_some_and(|m| m[*c].is_none());
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
        let cap = usize::try_from(spread).ok().and_then(|s| s.checked_add(plan.max_gulp)).unwrap_or(usize::MAX);
        let cap = cap.min((v1 - v0).max(1) as usize);
        let Some(ring_len) = nchan.checked_mul(cap).filter(|&l| l <= isize::MAX as usize / 4) else {
            bail!(code::SHAPE, "the dispersion sweep within a subband ({spread} samples) is too long to hold for {nchan} channels");
        };
        let levels = match (&plan.maps, layout.nbits <= 8) {
            (Some(maps), true) => {
                let count = 1usize << layout.nbits;
                let mut table = vec![f32::NAN; nchan * count];
                for (c, map) in maps.iter().enumerate() {
                    if let Some(map) = map {
                        for level in 0..count {
                            table[c * count + level] = map.apply(level as f32);
                        }
                    }
                }
                Some(table)
            }
            _ => None,
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
            cap,
            ring: vec![f32::NAN; ring_len],
            levels,
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
        if rows > self.plan.max_gulp || first + rows as i64 > self.v1 {
            bail!(code::RANGE, "{rows} rows from virtual sample {first} exceed the gulp of {} or the end {}", self.plan.max_gulp, self.v1);
        }
        self.fill_ring(bytes, rows);
        self.fed += rows as i64;
        self.reduce_ready();
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

    /// Writes the rows into each channel's ring (normalised, or left out when masked).
    fn fill_ring(&mut self, bytes: &[u8], rows: usize) {
        let layout = self.layout;
        let start = (self.fed - self.v0).rem_euclid(self.cap as i64) as usize;
        let skip: Vec<bool> = (0..layout.nchan).map(|c| self.plan.masked[c] || self.plan.maps.as_ref().is_some_and(|m| m[c].is_none())).collect();
        let writer = RingWriter { layout, bytes, rows, cap: self.cap, start, skip: &skip };
        match (&self.levels, &self.plan.maps, layout.nbits) {
            (Some(levels), _, bits) => {
                let count = 1usize << bits;
                writer.write(&mut self.ring, |row, file_channel, c| levels[c * count + level(row, file_channel, bits)]);
            }
            (None, Some(maps), _) => writer.write(&mut self.ring, |row, file_channel, c| match maps[c] {
                Some(map) => map.apply(layout.sample(row, file_channel)),
                None => f32::NAN,
            }),
            (None, None, 8) => writer.write(&mut self.ring, |row, file_channel, _| row[file_channel] as f32),
            (None, None, _) => writer.write(&mut self.ring, |row, file_channel, _| layout.sample(row, file_channel)),
        }
    }

    /// Computes every output sample whose inputs have all arrived.
    fn reduce_ready(&mut self) {
        let per = self.layout.nchan / self.plan.nsub;
        let finished = self.fed >= self.v1;
        let (first, end) = (self.plan.outputs.start as i64, self.plan.outputs.end as i64);
        let weights = if self.plan.zeros_missing { Weights::ValidNonZero } else { Weights::Valid };
        let job = SubbandJob {
            ring: &self.ring,
            cap: self.cap,
            v0: self.v0,
            ntime: self.plan.ntime as i64,
            shifts: &self.shifts,
            masked: &self.plan.masked,
            maps: self.plan.maps.as_deref(),
            wrap: self.plan.wrap,
            per,
            factor: self.plan.factor,
            weights,
            first_output: self.plan.outputs.start,
        };
        let nout = self.nout;
        let weight_rows: Vec<&mut [f32]> = match self.plan.weights {
            true => self.out_w.chunks_mut(nout).collect(),
            false => (0..self.plan.nsub).map(|_| <&mut [f32]>::default()).collect(),
        };
        self.out
            .par_chunks_mut(nout)
            .zip(weight_rows.into_par_iter())
            .zip(self.states.par_iter_mut())
            .zip(self.last_shift.par_iter())
            .enumerate()
            .for_each(|(k, (((row, wrow), state), &last))| {
                let ready = if finished { end } else { (self.fed - last).clamp(first, end) } as usize;
                if ready > state.done {
                    job.run(k, state, ready, row, wrow);
                }
            });
    }
}

/// The level (0 .. 2^bits) of file channel `c` of a row of ≤ 8-bit samples, lowest bits first.
#[inline]
fn level(row: &[u8], c: usize, bits: usize) -> usize {
    if bits == 8 {
        return row[c] as usize;
    }
    let per_byte = 8 / bits;
    ((row[c / per_byte] >> ((c % per_byte) * bits)) & ((1u8 << bits) - 1)) as usize
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
    /// `value(row, file_channel, our_channel)` for every sample. Tasks own blocks of channels and walk
    /// the rows in tiles that stay in cache.
    fn write(&self, ring: &mut [f32], value: impl Fn(&[u8], usize, usize) -> f32 + Sync) {
        const CHANNELS: usize = 64;
        const TILE_ROWS: usize = 128;
        let row_bytes = self.layout.row_bytes();
        ring.par_chunks_mut(self.cap * CHANNELS).enumerate().for_each(|(b, block)| {
            for r0 in (0..self.rows).step_by(TILE_ROWS) {
                let r1 = (r0 + TILE_ROWS).min(self.rows);
                for (i, channel) in block.chunks_exact_mut(self.cap).enumerate() {
                    let c = b * CHANNELS + i;
                    if self.skip[c] {
                        continue;
                    }
                    let file_channel = self.layout.channel(c);
                    let mut at = (self.start + r0) % self.cap;
                    for r in r0..r1 {
                        channel[at] = value(&self.bytes[r * row_bytes..(r + 1) * row_bytes], file_channel, c);
                        at += 1;
                        if at == self.cap {
                            at = 0;
                        }
                    }
                }
            }
        });
    }
}

/// What every subband's computation reads.
struct SubbandJob<'a> {
    ring: &'a [f32],
    cap: usize,
    v0: i64,
    ntime: i64,
    shifts: &'a [i64],
    masked: &'a [bool],
    maps: Option<&'a [Option<ChannelMap>]>,
    wrap: Wrap,
    per: usize,
    factor: usize,
    weights: Weights<'static>,
    /// The first output sample computed (index 0 of the output rows).
    first_output: usize,
}

impl SubbandJob<'_> {
    /// Output samples `[state.done, ready)` of subband `k`: the channels' samples summed in channel
    /// order (as `dedisperse_subband`), then averaged in groups of `factor` (as `downsample`).
    fn run(&self, k: usize, state: &mut SubbandState, ready: usize, row: &mut [f32], wrow: &mut [f32]) {
        let (done, len) = (state.done, ready - state.done);
        let mut sum_wx = vec![0f64; len];
        let mut sum_w = vec![0f64; len];
        for c in k * self.per..(k + 1) * self.per {
            if self.masked[c] || self.maps.is_some_and(|m| m[c].is_none()) {
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
        let shift_sets: [Vec<i64>; 3] =
            [(0..12).map(|c| (11 - c) * 3).collect(), (0..12).map(|c| 20 - 4 * c).collect(), vec![250, -7, 0, 3, 101, -220, 5, 5, 9, 1, 0, 64]];
        for descending in [false, true] {
            let layout = Layout::new(32, nchan, descending).unwrap();
            let bytes = pack(&x, shape, layout).unwrap();
            for shifts in &shift_sets {
                for wrap in [Wrap::Roll, Wrap::Invalidate] {
                    for (nsub, factor, outputs) in [(3, 1, 0..101), (4, 5, 0..101), (12, 3, 0..80), (1, 7, 0..64), (6, 1, 0..1), (4, 5, 35..97), (3, 1, 50..51)] {
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
                            max_gulp: 16,
                            weights: true,
                        };
                        let expected = reference(&x, shape, &plan);
                        for gulp in [1, 7, 16] {
                            let what = format!("{shifts:?} {wrap:?} nsub {nsub} factor {factor} outputs {outputs:?} gulp {gulp} descending {descending}");
                            same(&stream(&bytes, layout, ReducePlan { max_gulp: gulp, ..plan.clone() }, gulp), &expected, &what);
                        }
                    }
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
            max_gulp: 10,
            weights: true,
        };
        let expected = reference(&normalised, shape, &plan);
        same(&stream(&bytes, layout, plan, 10), &expected, "4-bit, zscore, masks");
    }

    fn plan_for_weights() -> ReducePlan {
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
            max_gulp: 4,
            weights: false,
        }
    }

    #[test]
    fn bad_plans_and_feeds_are_errors() {
        let layout = Layout::new(8, 4, false).unwrap();
        let plan = ReducePlan {
            ntime: 10,
            outputs: 0..10,
            shifts: vec![0; 4],
            wrap: Wrap::Roll,
            nsub: 2,
            factor: 1,
            zeros_missing: false,
            maps: None,
            masked: vec![false; 4],
            max_gulp: 4,
            weights: false,
        };
        assert_eq!(TimeReducer::new(layout, ReducePlan { nsub: 3, ..plan.clone() }).err().unwrap().code, code::NSUB_DIVISOR);
        assert_eq!(TimeReducer::new(layout, ReducePlan { factor: 11, ..plan.clone() }).err().unwrap().code, code::ARGUMENT);
        assert_eq!(TimeReducer::new(layout, ReducePlan { outputs: 0..11, ..plan.clone() }).err().unwrap().code, code::ARGUMENT);
        assert_eq!(TimeReducer::new(layout, ReducePlan { outputs: 1..9, factor: 2, ..plan.clone() }).err().unwrap().code, code::ARGUMENT);
        let mut reducer = TimeReducer::new(layout, plan).unwrap();
        assert_eq!(reducer.add(&[0; 8], 1).unwrap_err().code, code::RANGE);
        assert_eq!(reducer.add(&[0; 20], 0).unwrap_err().code, code::RANGE);
        assert_eq!(reducer.add(&[0; 7], 0).unwrap_err().code, code::SHAPE);
        reducer.add(&[0; 16], 0).unwrap();
        assert_eq!(reducer.finish().err().unwrap().code, code::RANGE);
        // without weights, the output weights are empty
        let mut reducer = TimeReducer::new(layout, ReducePlan { max_gulp: 10, ..plan_for_weights() }).unwrap();
        reducer.add(&[7; 40], 0).unwrap();
        let out = reducer.finish().unwrap();
        assert_eq!((out.intensity, out.weights.len()), (vec![7.0; 20], 0));
    }
}

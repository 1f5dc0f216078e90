// Pareto frontiers and non-dominated layers, with the exact tie rules of the InferenceMAX
// dashboard.
//
// Two points compare by standard Pareto dominance after every minimised objective is negated:
// q dominates p when q is at least as good in every objective and better in one. A point is on
// the frontier when nothing dominates it; among exact duplicates only the first in input order
// is. For (maximize x, maximize y) this is the dashboard's `upper_left` rule: sort by x
// ascending, ties by y descending; an equal-x point keeps the higher y; otherwise pop while the
// new y >= the last y; push. The frontier comes out with x increasing and y strictly decreasing.
// Points with a NaN coordinate (or a missing projected value) are ignored. The other senses
// reduce to this one by negating coordinates, which reproduces the dashboard's `lower_right`
// and `lower_left` exactly; its `upper_right` (minimize x, maximize y) also keeps a point whose
// y only ties the best so far at a worse x, a quirk not copied here (such a point is dominated).
// Frontiers always come out ordered by x ascending.
//
// Kernels work on std::span<const double>; the templates only project rows into columns.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <concepts>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "inferlens/detail/sense.hpp"
#include "inferlens/version.hpp"

INFERLENS_BEGIN_NAMESPACE


namespace detail {

// Every kernel works in "maximise everything" coordinates.
INFERLENS_LAZY double oriented(double v, sense s) noexcept { return s == sense::maximize ? v : -v; }

// Maps a non-NaN double to an unsigned integer with the same order; -0.0 is folded into +0.0
// first so that equal values get equal keys.
INFERLENS_LAZY std::uint64_t x_order_key(double v) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(v + 0.0);
  constexpr std::uint64_t sign = std::uint64_t{1} << 63;
  return (bits & sign) ? ~bits : (bits | sign);
}

// Asks for the cache line holding p ahead of a read at a random place.
INFERLENS_LAZY void prefetch(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

// The 2-objective kernels read their points through one of these, in maximise-both coordinates:
// two columns (frontier_2d) or interleaved (x, y) rows (frontier_nd with d = 2, no copy).
struct xy_columns {
  const double* xs;
  const double* ys;
  double x_sign, y_sign;  // +1 or -1: multiplying is exactly the negation of oriented()
  INFERLENS_LAZY double x(std::size_t i) const noexcept { return xs[i] * x_sign; }
  INFERLENS_LAZY double y(std::size_t i) const noexcept { return ys[i] * y_sign; }
  INFERLENS_LAZY void prefetch_y(std::size_t i) const noexcept { prefetch(ys + i); }
};
struct xy_rows {
  const double* values;
  double x_sign, y_sign;
  INFERLENS_LAZY double x(std::size_t i) const noexcept { return values[2 * i] * x_sign; }
  INFERLENS_LAZY double y(std::size_t i) const noexcept { return values[2 * i + 1] * y_sign; }
  INFERLENS_LAZY void prefetch_y(std::size_t i) const noexcept { prefetch(values + 2 * i + 1); }
};
INFERLENS_LAZY double sign_of(sense s) noexcept { return s == sense::maximize ? 1.0 : -1.0; }

// What the sort moves: x's order key (see x_order_key: equal keys mean equal x, and unsigned key
// order is x order, which lets a radix sort do the sorting) and the input index. y is not
// carried: the sweep reads it from the input. With 32-bit indices a record is 12 bytes (the key
// in two halves keeps the alignment at 4), half the 24 bytes of a {key, y, index} struct.
template <class Idx>
struct sort_record;
template <>
struct sort_record<std::uint32_t> {
  std::uint32_t key_lo, key_hi, index;
  INFERLENS_LAZY static sort_record make(std::uint64_t key, std::uint32_t i) noexcept {
    return {static_cast<std::uint32_t>(key), static_cast<std::uint32_t>(key >> 32), i};
  }
  std::uint64_t key() const noexcept { return (std::uint64_t{key_hi} << 32) | key_lo; }
};
template <>
struct sort_record<std::uint64_t> {
  std::uint64_t key_, index;
  INFERLENS_LAZY static sort_record make(std::uint64_t key, std::uint64_t i) noexcept { return {key, i}; }
  std::uint64_t key() const noexcept { return key_; }
};

// Below this many points std::sort is as fast as the radix sort.
inline constexpr std::size_t radix_min_points = std::size_t{1} << 12;
// 11-bit digits: 6 passes over 64-bit keys (fewer passes beat smaller buckets on large inputs).
inline constexpr int radix_bits = 11;
inline constexpr int radix_digits = (64 + radix_bits - 1) / radix_bits;
inline constexpr std::size_t radix_buckets = std::size_t{1} << radix_bits;

INFERLENS_LAZY std::size_t radix_digit(std::uint64_t key, int d) noexcept {
  return static_cast<std::size_t>(key >> (radix_bits * d)) & (radix_buckets - 1);
}

// An array that keeps its memory from one call to the next: fresh memory costs a page fault
// per page on first touch (on a VM that can be several times the cost of the work done on
// it), so the kernels reuse it. Grows by half again at least, never shrinks on its own.
template <class T>
struct reusable_buffer {
  std::unique_ptr<T[]> data;
  std::size_t capacity = 0;
  INFERLENS_LAZY T* get(std::size_t n) {
    if (n > capacity) {
      const std::size_t grown = std::max(n, capacity + capacity / 2);
      data.reset();  // give the old block back before asking for the bigger one
      capacity = 0;
      data = std::make_unique_for_overwrite<T[]>(grown);
      capacity = grown;
    }
    return data.get();
  }
  INFERLENS_LAZY void release() noexcept {
    data.reset();
    capacity = 0;
  }
};

// One thread's scratch memory for the 2-objective kernels (Idx: 32-bit indices below 2^32
// points, 64-bit above): two records and one bit per input point (24 bytes with 32-bit
// indices), pages touched only as far as used, for the largest input the thread has seen (up to
// half as much again when it grew in steps), plus 100 KB or so; release_frontier_workspace()
// frees it.
template <class Idx>
struct frontier_workspace {
  using record = sort_record<Idx>;
  reusable_buffer<record> points, scratch;               // the radix sort ping-pongs between them
  reusable_buffer<std::array<Idx, radix_buckets>> histogram;  // radix_digits rows
  reusable_buffer<std::uint64_t> bits;                   // input-order output: one bit per point
  std::vector<record> sample;                            // the prefilter's sample
  std::vector<double> front_x, front_y;                  // the sample's frontier
  std::vector<std::pair<double, Idx>> group;             // nondominated ranks: one equal-x group
  INFERLENS_LAZY void release() noexcept {
    points.release();
    scratch.release();
    histogram.release();
    bits.release();
    sample = {};
    front_x = {};
    front_y = {};
    group = {};
  }
};

// Thread-local, so concurrent calls from several threads never share one; the kernels call no
// user code while they hold it, so a call cannot re-enter it either.
template <class Idx>
frontier_workspace<Idx>& thread_frontier_workspace() {
  thread_local frontier_workspace<Idx> ws;
  return ws;
}

/// Frees the calling thread's frontier scratch memory (the next call allocates it afresh).
INFERLENS_LAZY void release_frontier_workspace() noexcept {
  thread_frontier_workspace<std::uint32_t>().release();
  thread_frontier_workspace<std::uint64_t>().release();
}

template <class Idx>
void count_digits(std::array<Idx, radix_buckets>* h, std::uint64_t key) noexcept {
  for (int d = 0; d < radix_digits; ++d) ++h[d][radix_digit(key, d)];
}

// One stable LSD pass per `width`-bit digit d in [0, digits) (bits [d * width, (d + 1) * width))
// that the keys of src[0, m) do not all share, ping-ponging between src and dst; h[d] holds the
// counts of digit d. Returns where the records end up.
template <class Idx>
sort_record<Idx>* lsd_passes(sort_record<Idx>* src, sort_record<Idx>* dst, std::size_t m,
                             std::array<Idx, radix_buckets>* h, int digits, int width) noexcept {
  using record = sort_record<Idx>;
  const std::size_t buckets = std::size_t{1} << width;
  for (int d = 0; d < digits; ++d) {
    const auto c = h[d].begin();
    if (std::find(c, c + buckets, static_cast<Idx>(m)) != c + buckets) continue;  // one bucket holds all
    Idx offset = 0;
    for (std::size_t k = 0; k < buckets; ++k) offset += std::exchange(c[k], offset);
    const int shift = d * width;
    for (std::size_t i = 0; i < m; ++i) {
      const record r = src[i];
      dst[c[static_cast<std::size_t>(r.key() >> shift) & (buckets - 1)]++] = r;
    }
    std::swap(src, dst);
  }
  return src;
}

// From this many records on, the sort starts with one most-significant-digit pass, so that the
// LSD passes run bucket by bucket in cache instead of over the whole array in memory.
inline constexpr std::size_t msd_min_points = std::size_t{1} << 19;
// Buckets below this size are sorted by std::sort.
inline constexpr std::size_t bucket_radix_min_points = 256;

// Sorts m records by key ascending, or std::sort for few points (not stable: callers do not
// rely on the order of equal keys). Otherwise a radix sort on 11-bit digits, skipping digits
// that every key shares: on large inputs first one pass on the highest 11 bits where the keys
// differ (the keys agree on all bits above, and that pass leaves buckets that fit in cache),
// then an LSD radix sort within each bucket; on smaller ones an LSD radix sort alone. `h`
// (radix_digits rows) holds the digit counts of the records when `counted`, else is counted
// here, and is overwritten. Returns the sorted records, which live either in `a` or in `b`.
template <class Idx>
sort_record<Idx>* sort_by_key(sort_record<Idx>* a, sort_record<Idx>* b, std::size_t m,
                              std::array<Idx, radix_buckets>* h, bool counted) {
  using record = sort_record<Idx>;
  const auto by_key = [](const record& p, const record& q) { return p.key() < q.key(); };
  if (m < radix_min_points) {
    std::sort(a, a + m, by_key);
    return a;
  }
  if (!counted) {
    std::fill_n(h, radix_digits, std::array<Idx, radix_buckets>{});
    for (std::size_t i = 0; i < m; ++i) count_digits(h, a[i].key());
  }
  if (m < msd_min_points) return lsd_passes(a, b, m, h, radix_digits, radix_bits);

  // The highest digit that varies, and within it the highest bit where the smallest and the
  // largest key differ: every key agrees with both above that bit.
  int top = radix_digits - 1;
  while (top >= 0 && std::find(h[top].begin(), h[top].end(), static_cast<Idx>(m)) != h[top].end()) --top;
  if (top < 0) return a;  // all keys equal
  const auto& ct = h[top];
  const auto lowest = static_cast<std::size_t>(std::find_if(ct.begin(), ct.end(), [](Idx v) { return v != 0; }) - ct.begin());
  const auto highest = static_cast<std::size_t>(radix_buckets - 1 -
      (std::find_if(ct.rbegin(), ct.rend(), [](Idx v) { return v != 0; }) - ct.rbegin()));
  const int high_bit = radix_bits * top + static_cast<int>(std::bit_width(lowest ^ highest)) - 1;
  const int low_bit = std::max(0, high_bit + 1 - radix_bits);  // the MSD digit: bits [low_bit, high_bit]
  // The bits below it in as few digits of at most 11 bits as they need, of equal width.
  const int inner_digits = (low_bit + radix_bits - 1) / radix_bits;  // < radix_digits: row `last` is free
  const int inner_width = inner_digits > 0 ? (low_bit + inner_digits - 1) / inner_digits : 0;
  const std::uint64_t inner_mask = (std::uint64_t{1} << inner_width) - 1;
  constexpr int last = radix_digits - 1;
  const auto msd = [low_bit](std::uint64_t key) noexcept {
    return static_cast<std::size_t>(key >> low_bit) & (radix_buckets - 1);
  };

  auto& ends = h[last];
  ends.fill(0);
  for (std::size_t i = 0; i < m; ++i) ++ends[msd(a[i].key())];
  Idx offset = 0;
  for (auto& v : ends) offset += std::exchange(v, offset);
  for (std::size_t i = 0; i < m; ++i) {
    const record r = a[i];
    b[ends[msd(r.key())]++] = r;
  }
  // ends[k] is now where bucket k ends. Sort each bucket on the bits below low_bit (a digit that
  // reaches into the MSD bits is constant there and gets skipped), result in b.
  std::size_t begin = 0;
  for (std::size_t k = 0; k < radix_buckets && begin < m; ++k) {
    const std::size_t end = ends[k];
    const std::size_t size = end - begin;
    if (size >= bucket_radix_min_points && inner_digits > 0) {
      for (int d = 0; d < inner_digits; ++d) std::fill_n(h[d].begin(), inner_mask + 1, Idx{0});
      for (std::size_t i = begin; i < end; ++i) {
        const std::uint64_t key = b[i].key();
        for (int d = 0; d < inner_digits; ++d) ++h[d][static_cast<std::size_t>(key >> (d * inner_width)) & inner_mask];
      }
      const record* const sorted = lsd_passes(b + begin, a + begin, size, h, inner_digits, inner_width);
      if (sorted != b + begin) std::copy_n(sorted, size, b + begin);
    } else if (size > 1 && inner_digits > 0) {
      std::sort(b + begin, b + end, by_key);
    }
    begin = end;
  }
  return b;
}

// Frontier of m records sorted by key, in place: walking x descending, the best point of each
// equal-x group (highest y, then lowest index) is on the frontier iff its y beats every larger
// x. The c frontier indices end up in sorted[m - c, m), x ascending; returns c. Writing the k-th
// found at m - 1 - k only overwrites records already read.
template <class Idx, class Points>
std::size_t sweep_in_place(sort_record<Idx>* sorted, std::size_t m, const Points& pts) {
  std::size_t found = 0;
  bool have_right = false;
  double best_right_y = 0.0;  // highest y among points with a larger x
  std::size_t end = m;
  constexpr std::size_t ahead = 32;  // y is read at random: ask for it early
  for (std::size_t k = m; k-- > 0 && k + ahead >= m;) pts.prefetch_y(sorted[k].index);
  while (end > 0) {
    if (end > ahead) pts.prefetch_y(sorted[end - 1 - ahead].index);
    const std::uint64_t group_x = sorted[end - 1].key();
    Idx best = sorted[end - 1].index;
    double best_y = pts.y(best);
    std::size_t begin = end - 1;
    while (begin > 0 && sorted[begin - 1].key() == group_x) {
      --begin;
      const Idx c = sorted[begin].index;
      const double cy = pts.y(c);
      if (cy > best_y || (cy == best_y && c < best)) {
        best = c;
        best_y = cy;
      }
    }
    // A larger-x point with y >= this one dominates it.
    if (!have_right || best_y > best_right_y) {
      sorted[m - 1 - found].index = best;
      ++found;
      best_right_y = best_y;
      have_right = true;
    }
    end = begin;
  }
  return found;
}

// Index of the first element >= v in a sorted, non-empty array (size if none), without the
// branch mispredictions of std::lower_bound.
INFERLENS_LAZY std::size_t branchless_lower_bound(const double* a, std::size_t n, double v) noexcept {
  const double* base = a;
  while (n > 1) {
    const std::size_t half = n / 2;
    base = (base[half - 1] < v) ? base + half : base;
    n -= half;
  }
  return static_cast<std::size_t>(base - a) + (*base < v ? 1 : 0);
}

// Inputs at least this large get the sample prefilter; below it sorting everything is cheap.
inline constexpr std::size_t prefilter_min_points = std::size_t{1} << 14;
inline constexpr std::size_t prefilter_sample_size = 1024;

enum class front_order { x_ascending, x_descending, input };

// The 2-objective kernel: frontier indices of n points, in the order asked for.
//
// Speed-up for large inputs: the frontier F of a strided sample is computed first, and every
// point that some point of F dominates is dropped before sorting. Dominance is transitive, so a
// dominated point can neither be on the frontier nor be the only thing that removes another
// point: dropping it never changes the answer. On random data this leaves a small fraction to
// sort. When most of the sample is on its own frontier (nearly nothing is dominated, e.g. all
// points on an anti-diagonal), the filter would only cost time and is skipped.
//
// Memory: the survivors' records and the radix sort's second buffer come from the thread's
// workspace; the only fresh memory is the result.
template <class Idx, class Points>
std::vector<std::size_t> frontier_kernel(const Points& pts, std::size_t n, front_order order) {
  using record = sort_record<Idx>;
  frontier_workspace<Idx>& ws = thread_frontier_workspace<Idx>();
  std::vector<double>& fx = ws.front_x;  // sample frontier, x ascending, y strictly decreasing
  std::vector<double>& fy = ws.front_y;
  fx.clear();
  fy.clear();
  if (n >= prefilter_min_points) {
    std::vector<record>& sample = ws.sample;
    sample.clear();
    const std::size_t stride = n / prefilter_sample_size;
    for (std::size_t i = 0; i < n; i += stride) {
      const double px = pts.x(i), py = pts.y(i);
      if (!std::isnan(px) && !std::isnan(py)) sample.push_back(record::make(x_order_key(px), static_cast<Idx>(i)));
    }
    const std::size_t sampled = sample.size();
    std::sort(sample.begin(), sample.end(), [](const record& p, const record& q) { return p.key() < q.key(); });
    const std::size_t found = sweep_in_place(sample.data(), sampled, pts);
    if (found > 0 && found * 2 <= sampled) {
      for (std::size_t k = sampled - found; k < sampled; ++k) {
        fx.push_back(pts.x(sample[k].index));
        fy.push_back(pts.y(sample[k].index));
      }
    }
  }

  record* const recs = ws.points.get(n);
  std::array<Idx, radix_buckets>* const hist = ws.histogram.get(radix_digits);
  std::size_t m = 0;
  bool counted = false;
  if (fx.empty()) {
    if (n >= radix_min_points) {  // count the radix digits on the way, saving a pass
      std::fill_n(hist, radix_digits, std::array<Idx, radix_buckets>{});
      for (std::size_t i = 0; i < n; ++i) {
        const double px = pts.x(i), py = pts.y(i);
        if (std::isnan(px) || std::isnan(py)) continue;
        const std::uint64_t key = x_order_key(px);
        count_digits(hist, key);
        recs[m++] = record::make(key, static_cast<Idx>(i));
      }
      counted = true;
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const double px = pts.x(i), py = pts.y(i);
        if (!std::isnan(px) && !std::isnan(py)) recs[m++] = record::make(x_order_key(px), static_cast<Idx>(i));
      }
    }
  } else {
    const double* fxs = fx.data();
    const double* fys = fy.data();
    const std::size_t f = fx.size();
    for (std::size_t i = 0; i < n; ++i) {
      const double px = pts.x(i), py = pts.y(i);
      if (std::isnan(px) || std::isnan(py)) continue;
      // Among sample-frontier points with x >= px the first has the highest y.
      const std::size_t k = branchless_lower_bound(fxs, f, px);
      if (k < f && fys[k] >= py && (fxs[k] > px || fys[k] > py)) continue;  // dominated
      recs[m++] = record::make(x_order_key(px), static_cast<Idx>(i));
    }
  }

  record* const sorted = sort_by_key(recs, m >= radix_min_points ? ws.scratch.get(m) : nullptr, m, hist, counted);
  const std::size_t found = sweep_in_place(sorted, m, pts);
  const record* const front = sorted + (m - found);  // x ascending

  std::vector<std::size_t> out;
  out.reserve(found);
  switch (order) {
    case front_order::x_ascending:
      for (std::size_t k = 0; k < found; ++k) out.push_back(front[k].index);
      break;
    case front_order::x_descending:
      for (std::size_t k = found; k-- > 0;) out.push_back(front[k].index);
      break;
    case front_order::input: {  // a bitmap instead of sorting the indices
      const std::size_t words = (n + 63) / 64;
      std::uint64_t* const bits = ws.bits.get(words);
      std::fill_n(bits, words, std::uint64_t{0});
      for (std::size_t k = 0; k < found; ++k) bits[front[k].index / 64] |= std::uint64_t{1} << (front[k].index % 64);
      for (std::size_t w = 0; w < words; ++w)
        for (std::uint64_t b = bits[w]; b != 0; b &= b - 1)
          out.push_back(w * 64 + static_cast<std::size_t>(std::countr_zero(b)));
      break;
    }
  }
  return out;
}

template <class Points>
std::vector<std::size_t> frontier_of(const Points& pts, std::size_t n, front_order order) {
  if (n <= std::numeric_limits<std::uint32_t>::max()) return frontier_kernel<std::uint32_t>(pts, n, order);
  return frontier_kernel<std::uint64_t>(pts, n, order);
}

// Non-dominated layers of n points (see nondominated_ranks_2d). Points are processed dominators
// first: x descending, then y descending, then input order. The radix sort orders by x; each
// equal-x group is then ordered by (y descending, index) on its own, usually a single point.
// Every point seen so far has x >= the current one, so its dominators are exactly the seen
// points with y >= its y. layer_top[k] = highest y in layer k + 1, non-increasing in k.
template <class Idx, class Points>
std::vector<std::size_t> ranks_kernel(const Points& pts, std::size_t n) {
  using record = sort_record<Idx>;
  frontier_workspace<Idx>& ws = thread_frontier_workspace<Idx>();
  record* const recs = ws.points.get(n);
  std::array<Idx, radix_buckets>* const hist = ws.histogram.get(radix_digits);
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double px = pts.x(i), py = pts.y(i);
    if (!std::isnan(px) && !std::isnan(py)) recs[m++] = record::make(x_order_key(px), static_cast<Idx>(i));
  }
  const record* const sorted = sort_by_key(recs, m >= radix_min_points ? ws.scratch.get(m) : nullptr, m, hist, false);

  std::vector<double> layer_top;
  std::vector<std::size_t> rank(n, 0);
  const auto place = [&](double y, Idx i) {
    const auto k = static_cast<std::size_t>(
        std::partition_point(layer_top.begin(), layer_top.end(), [&](double top) { return top >= y; }) -
        layer_top.begin());
    if (k == layer_top.size())
      layer_top.push_back(y);
    else
      layer_top[k] = y;
    rank[i] = k + 1;
  };
  auto& group = ws.group;
  std::size_t end = m;
  while (end > 0) {
    const std::uint64_t group_x = sorted[end - 1].key();
    std::size_t begin = end - 1;
    while (begin > 0 && sorted[begin - 1].key() == group_x) --begin;
    if (end - begin == 1) {
      place(pts.y(sorted[begin].index), sorted[begin].index);
    } else {
      group.clear();
      for (std::size_t k = begin; k < end; ++k) group.emplace_back(pts.y(sorted[k].index), sorted[k].index);
      std::sort(group.begin(), group.end(), [](const std::pair<double, Idx>& a, const std::pair<double, Idx>& b) {
        if (a.first != b.first) return a.first > b.first;
        return a.second < b.second;
      });
      for (const auto& [y, i] : group) place(y, i);
    }
    end = begin;
  }
  return rank;
}

template <class Points>
std::vector<std::size_t> ranks_of(const Points& pts, std::size_t n) {
  if (n <= std::numeric_limits<std::uint32_t>::max()) return ranks_kernel<std::uint32_t>(pts, n);
  return ranks_kernel<std::uint64_t>(pts, n);
}

// Value of a projection as a double: a missing optional becomes NaN, which the kernels skip.
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class V>
concept projected_number =
    std::convertible_to<V, double> ||
    (is_optional<std::remove_cvref_t<V>>::value &&
     std::convertible_to<typename std::remove_cvref_t<V>::value_type, double>);

template <class V>
double to_objective_value(V&& v) {
  if constexpr (is_optional<std::remove_cvref_t<V>>::value) {
    return v ? static_cast<double>(*v) : std::numeric_limits<double>::quiet_NaN();
  } else {
    return static_cast<double>(v);
  }
}

INFERLENS_LAZY void check_nd_shape(const char* what, std::size_t values, std::size_t d, std::size_t senses) {
  if (d == 0) throw std::invalid_argument(std::string(what) + ": the number of objectives d must be at least 1");
  if (senses != d)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(senses) + " senses given for " +
                                std::to_string(d) + " objectives");
  if (values % d != 0)
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(values) +
                                " values is not a whole number of rows of " + std::to_string(d) + " objectives");
}

INFERLENS_LAZY void check_same_size(const char* what, std::size_t nx, std::size_t ny) {
  if (nx != ny)
    throw std::invalid_argument(std::string(what) + ": x has " + std::to_string(nx) + " values but y has " +
                                std::to_string(ny));
}

// Rows of an n × d matrix in maximise-everything coordinates, NaN rows dropped, ordered so that
// every point comes after all points that dominate it and after its earlier exact duplicates:
// lexicographically descending, ties by input index.
struct oriented_rows {
  std::size_t d = 0;
  std::vector<double> values;       // kept rows, in the order below, row-major
  std::vector<std::size_t> index;   // input index of each kept row
  INFERLENS_LAZY const double* row(std::size_t r) const noexcept { return values.data() + r * d; }
};

INFERLENS_LAZY oriented_rows orient_and_order(std::span<const double> values, std::size_t d, std::span<const sense> senses) {
  const std::size_t n = values.size() / d;
  std::vector<double> flipped(values.size());
  std::vector<std::size_t> order;
  order.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    bool has_nan = false;
    for (std::size_t j = 0; j < d; ++j) {
      flipped[i * d + j] = oriented(values[i * d + j], senses[j]);
      has_nan = has_nan || std::isnan(flipped[i * d + j]);
    }
    if (!has_nan) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    for (std::size_t j = 0; j < d; ++j) {
      const double va = flipped[a * d + j], vb = flipped[b * d + j];
      if (va != vb) return va > vb;
    }
    return a < b;
  });
  oriented_rows out;
  out.d = d;
  out.index = order;
  out.values.resize(order.size() * d);
  for (std::size_t r = 0; r < order.size(); ++r)
    std::copy_n(flipped.data() + order[r] * d, d, out.values.data() + r * d);
  return out;
}

// In oriented coordinates, for q processed before p: q is at least as good everywhere.
INFERLENS_LAZY bool weakly_dominates(const double* q, const double* p, std::size_t d) noexcept {
  for (std::size_t j = 0; j < d; ++j)
    if (q[j] < p[j]) return false;
  return true;
}

// N-objective frontier for any d, by sort-filter-skyline: in the order above a point is on the
// frontier iff no frontier point found so far is at least as good everywhere. Input order out.
INFERLENS_LAZY std::vector<std::size_t> frontier_nd_general(std::span<const double> values, std::size_t d,
                                                    std::span<const sense> senses) {
  const oriented_rows rows = orient_and_order(values, d, senses);
  std::vector<std::size_t> front;  // positions in rows
  for (std::size_t r = 0; r < rows.index.size(); ++r) {
    const bool dominated = std::any_of(front.begin(), front.end(),
                                       [&](std::size_t f) { return weakly_dominates(rows.row(f), rows.row(r), d); });
    if (!dominated) front.push_back(r);
  }
  std::vector<std::size_t> out;
  out.reserve(front.size());
  for (std::size_t f : front) out.push_back(rows.index[f]);
  std::sort(out.begin(), out.end());
  return out;
}

// Non-dominated layers for any d. A point's rank is one more than the highest rank among the
// points that dominate it; if layer k holds a dominator of p, so does every layer before k,
// hence a binary search over the layers.
INFERLENS_LAZY std::vector<std::size_t> ranks_nd_general(std::span<const double> values, std::size_t d,
                                                 std::span<const sense> senses) {
  const oriented_rows rows = orient_and_order(values, d, senses);
  std::vector<std::size_t> rank(values.size() / d, 0);
  std::vector<std::vector<std::size_t>> layers;  // positions in rows
  for (std::size_t r = 0; r < rows.index.size(); ++r) {
    const auto has_dominator = [&](const std::vector<std::size_t>& layer) {
      return std::any_of(layer.begin(), layer.end(),
                         [&](std::size_t q) { return weakly_dominates(rows.row(q), rows.row(r), d); });
    };
    const auto k = static_cast<std::size_t>(std::partition_point(layers.begin(), layers.end(), has_dominator) -
                                            layers.begin());
    if (k == layers.size()) layers.emplace_back();
    layers[k].push_back(r);
    rank[rows.index[r]] = k + 1;
  }
  return rank;
}

}  // namespace detail

/// The 2-objective Pareto frontier: indices into x/y of the frontier points, ordered by x
/// ascending (whatever the senses). Points with a NaN coordinate are ignored. O(n log n), and
/// close to O(n) on random data.
/// @throws std::invalid_argument when x and y differ in size.
INFERLENS_LAZY std::vector<std::size_t> frontier_2d(std::span<const double> x, std::span<const double> y,
                                            sense sx = sense::maximize, sense sy = sense::maximize) {
  detail::check_same_size("frontier_2d", x.size(), y.size());
  // Oriented x ascending is x descending when x is minimised.
  return detail::frontier_of(detail::xy_columns{x.data(), y.data(), detail::sign_of(sx), detail::sign_of(sy)},
                             x.size(),
                             sx == sense::minimize ? detail::front_order::x_descending : detail::front_order::x_ascending);
}

/// Non-dominated layers of 2-objective points: for each input point its rank, 1 for the
/// frontier, 2 for the frontier once rank 1 is removed, and so on; 0 for points with a NaN.
/// A later exact duplicate of a point ranks one below it. O(n log n).
/// @throws std::invalid_argument when x and y differ in size.
INFERLENS_LAZY std::vector<std::size_t> nondominated_ranks_2d(std::span<const double> x, std::span<const double> y,
                                                      sense sx = sense::maximize, sense sy = sense::maximize) {
  detail::check_same_size("nondominated_ranks_2d", x.size(), y.size());
  return detail::ranks_of(detail::xy_columns{x.data(), y.data(), detail::sign_of(sx), detail::sign_of(sy)}, x.size());
}

/// The N-objective Pareto frontier of `values` (row-major, n rows × d objectives) with one sense
/// per objective: indices of the non-dominated rows in input order. Rows with a NaN are ignored.
/// @throws std::invalid_argument when d is 0, senses.size() != d or values.size() % d != 0.
INFERLENS_LAZY std::vector<std::size_t> frontier_nd(std::span<const double> values, std::size_t d,
                                            std::span<const sense> senses) {
  detail::check_nd_shape("frontier_nd", values.size(), d, senses.size());
  if (d == 2)  // the fast kernel, reading the rows in place; same answer (tests check)
    return detail::frontier_of(detail::xy_rows{values.data(), detail::sign_of(senses[0]), detail::sign_of(senses[1])},
                               values.size() / 2, detail::front_order::input);
  return detail::frontier_nd_general(values, d, senses);
}

/// Non-dominated layers of N-objective rows (see nondominated_ranks_2d): rank per input row,
/// 0 for rows with a NaN.
/// @throws std::invalid_argument when d is 0, senses.size() != d or values.size() % d != 0.
INFERLENS_LAZY std::vector<std::size_t> nondominated_ranks(std::span<const double> values, std::size_t d,
                                                   std::span<const sense> senses) {
  detail::check_nd_shape("nondominated_ranks", values.size(), d, senses.size());
  if (d == 2) {
    const std::size_t n = values.size() / 2;
    std::vector<double> xs(n), ys(n);
    for (std::size_t i = 0; i < n; ++i) {
      xs[i] = values[2 * i];
      ys[i] = values[2 * i + 1];
    }
    return nondominated_ranks_2d(xs, ys, senses[0], senses[1]);
  }
  return detail::ranks_nd_general(values, d, senses);
}

// ---------------------------------------------------------------------------------------------
// Front ends over any random-access range of rows
// ---------------------------------------------------------------------------------------------

/// A callable (lambda, member pointer, ...) that maps a row to a number or to an optional
/// number; a missing value drops the row.
template <class P, class Row>
concept objective_projection =
    std::invocable<P&, Row> && detail::projected_number<std::invoke_result_t<P&, Row>>;

/// One objective for the N-objective front ends: a projection and whether larger is better.
template <class Proj>
struct objective {
  Proj projection;
  sense direction = sense::maximize;
};

/// Larger is better, e.g. `maximize(&benchmark_point::tput_per_gpu)`.
template <class Proj>
objective<Proj> maximize(Proj projection) {
  return {std::move(projection), sense::maximize};
}
/// Smaller is better, e.g. cost per million tokens.
template <class Proj>
objective<Proj> minimize(Proj projection) {
  return {std::move(projection), sense::minimize};
}

namespace detail {
template <class R>
using row_ref = std::ranges::range_reference_t<const R>;

template <class R, class Proj>
std::vector<double> project_column(const R& rows, Proj& proj) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(std::ranges::distance(rows)));
  for (auto&& row : rows) out.push_back(to_objective_value(std::invoke(proj, row)));
  return out;
}

template <class R, class... Projs>
std::vector<double> project_matrix(const R& rows, objective<Projs>&... objectives) {
  constexpr std::size_t d = sizeof...(Projs);
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(std::ranges::distance(rows)) * d);
  for (auto&& row : rows) (values.push_back(to_objective_value(std::invoke(objectives.projection, row))), ...);
  return values;
}
}  // namespace detail

/// 2-objective frontier of any random-access range of rows: indices into `rows`, ordered by
/// the x projection ascending. Rows whose projection is NaN or nullopt are skipped.
template <std::ranges::random_access_range R, class ProjX, class ProjY>
  requires std::ranges::random_access_range<const R> && objective_projection<ProjX, detail::row_ref<R>> &&
           objective_projection<ProjY, detail::row_ref<R>>
std::vector<std::size_t> pareto_frontier(const R& rows, ProjX px, ProjY py, sense sx = sense::maximize,
                                         sense sy = sense::maximize) {
  const auto xs = detail::project_column(rows, px);
  const auto ys = detail::project_column(rows, py);
  return frontier_2d(xs, ys, sx, sy);
}

/// N-objective frontier of rows: `pareto_frontier(rows, maximize(&row::a), minimize(&row::b), ...)`.
/// Indices into `rows` in input order.
template <std::ranges::random_access_range R, class... Projs>
  requires std::ranges::random_access_range<const R> && (sizeof...(Projs) >= 1) &&
           (objective_projection<Projs, detail::row_ref<R>> && ...)
std::vector<std::size_t> pareto_frontier(const R& rows, objective<Projs>... objectives) {
  const auto values = detail::project_matrix(rows, objectives...);
  const sense senses[] = {objectives.direction...};
  return frontier_nd(values, sizeof...(Projs), senses);
}

/// Non-dominated layers of rows on two projections (see nondominated_ranks_2d).
template <std::ranges::random_access_range R, class ProjX, class ProjY>
  requires std::ranges::random_access_range<const R> && objective_projection<ProjX, detail::row_ref<R>> &&
           objective_projection<ProjY, detail::row_ref<R>>
std::vector<std::size_t> nondominated_ranks(const R& rows, ProjX px, ProjY py, sense sx = sense::maximize,
                                            sense sy = sense::maximize) {
  const auto xs = detail::project_column(rows, px);
  const auto ys = detail::project_column(rows, py);
  return nondominated_ranks_2d(xs, ys, sx, sy);
}

/// Non-dominated layers of rows on N objectives.
template <std::ranges::random_access_range R, class... Projs>
  requires std::ranges::random_access_range<const R> && (sizeof...(Projs) >= 1) &&
           (objective_projection<Projs, detail::row_ref<R>> && ...)
std::vector<std::size_t> nondominated_ranks(const R& rows, objective<Projs>... objectives) {
  const auto values = detail::project_matrix(rows, objectives...);
  const sense senses[] = {objectives.direction...};
  return nondominated_ranks(values, sizeof...(Projs), senses);
}


INFERLENS_END_NAMESPACE

// A tiny PNG reader for screenshots (8-bit RGB or RGBA, not interlaced: what Chromium writes),
// with its own inflate (RFC 1950/1951) so the browser test needs no zlib.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace png {

namespace detail {

struct bits {
  const std::uint8_t* p;
  std::size_t n, at = 0;
  std::uint32_t buf = 0;
  int count = 0;

  std::uint32_t get(int k) {
    while (count < k) {
      if (at >= n) throw std::runtime_error("inflate: out of input");
      buf |= static_cast<std::uint32_t>(p[at++]) << count;
      count += 8;
    }
    const std::uint32_t v = buf & ((1u << k) - 1u);
    buf >>= k;
    count -= k;
    return v;
  }
  void align() {
    buf = 0;
    count = 0;
  }
};

struct huffman {
  std::array<std::uint16_t, 16> count{};
  std::vector<std::uint16_t> symbol;

  explicit huffman(const std::vector<std::uint8_t>& lengths) : symbol(lengths.size()) {
    for (std::uint8_t l : lengths) ++count[l];
    count[0] = 0;
    std::array<std::uint16_t, 16> offset{};
    for (int l = 1; l < 16; ++l) offset[l] = static_cast<std::uint16_t>(offset[l - 1] + count[l - 1]);
    for (std::size_t s = 0; s < lengths.size(); ++s)
      if (lengths[s]) symbol[offset[lengths[s]]++] = static_cast<std::uint16_t>(s);
  }
  int decode(bits& in) const {
    int code = 0, first = 0, index = 0;
    for (int len = 1; len < 16; ++len) {
      code |= static_cast<int>(in.get(1));
      const int c = count[len];
      if (code < first + c) return symbol[static_cast<std::size_t>(index + code - first)];
      index += c;
      first = (first + c) << 1;
      code <<= 1;
    }
    throw std::runtime_error("inflate: bad code");
  }
};

inline void inflate_block(bits& in, std::vector<std::uint8_t>& out, const huffman& lit, const huffman& dist) {
  static constexpr std::uint16_t lbase[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
  static constexpr std::uint8_t lext[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  static constexpr std::uint16_t dbase[] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                            1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  static constexpr std::uint8_t dext[] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
  for (;;) {
    const int sym = lit.decode(in);
    if (sym < 256) {
      out.push_back(static_cast<std::uint8_t>(sym));
    } else if (sym == 256) {
      return;
    } else {
      const int l = sym - 257;
      if (l >= 29) throw std::runtime_error("inflate: bad length");
      const std::size_t len = lbase[l] + in.get(lext[l]);
      const int d = dist.decode(in);
      if (d >= 30) throw std::runtime_error("inflate: bad distance");
      const std::size_t back = dbase[d] + in.get(dext[d]);
      if (back > out.size()) throw std::runtime_error("inflate: distance too far");
      const std::size_t from = out.size() - back;
      for (std::size_t i = 0; i < len; ++i) out.push_back(out[from + i]);
    }
  }
}

}  // namespace detail

/// The data of a zlib stream.
inline std::vector<std::uint8_t> inflate_zlib(const std::vector<std::uint8_t>& z) {
  if (z.size() < 2 || (z[0] & 0x0F) != 8) throw std::runtime_error("zlib: not deflate");
  detail::bits in{z.data() + 2, z.size() - 2};
  std::vector<std::uint8_t> out;
  bool last = false;
  while (!last) {
    last = in.get(1) != 0;
    const std::uint32_t type = in.get(2);
    if (type == 0) {
      in.align();
      if (in.at + 4 > in.n) throw std::runtime_error("inflate: short stored block");
      const std::size_t len = in.p[in.at] | (in.p[in.at + 1] << 8);
      in.at += 4;
      if (in.at + len > in.n) throw std::runtime_error("inflate: short stored block");
      out.insert(out.end(), in.p + in.at, in.p + in.at + len);
      in.at += len;
    } else if (type == 1) {
      std::vector<std::uint8_t> l(288), d(30, 5);
      for (std::size_t i = 0; i < 288; ++i) l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
      detail::inflate_block(in, out, detail::huffman(l), detail::huffman(d));
    } else if (type == 2) {
      const std::size_t hlit = in.get(5) + 257, hdist = in.get(5) + 1, hclen = in.get(4) + 4;
      static constexpr std::uint8_t order[] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
      std::vector<std::uint8_t> cl(19, 0);
      for (std::size_t i = 0; i < hclen; ++i) cl[order[i]] = static_cast<std::uint8_t>(in.get(3));
      const detail::huffman clh(cl);
      std::vector<std::uint8_t> lengths;
      while (lengths.size() < hlit + hdist) {
        const int sym = clh.decode(in);
        if (sym < 16) {
          lengths.push_back(static_cast<std::uint8_t>(sym));
        } else {
          std::size_t repeat = 0;
          std::uint8_t value = 0;
          if (sym == 16) {
            if (lengths.empty()) throw std::runtime_error("inflate: repeat without a length");
            value = lengths.back();
            repeat = 3 + in.get(2);
          } else if (sym == 17) {
            repeat = 3 + in.get(3);
          } else {
            repeat = 11 + in.get(7);
          }
          lengths.insert(lengths.end(), repeat, value);
        }
      }
      const std::vector<std::uint8_t> l(lengths.begin(), lengths.begin() + static_cast<std::ptrdiff_t>(hlit));
      const std::vector<std::uint8_t> d(lengths.begin() + static_cast<std::ptrdiff_t>(hlit), lengths.begin() + static_cast<std::ptrdiff_t>(hlit + hdist));
      detail::inflate_block(in, out, detail::huffman(l), detail::huffman(d));
    } else {
      throw std::runtime_error("inflate: bad block type");
    }
  }
  return out;
}

/// A decoded image: RGBA pixels, row by row.
struct image {
  std::uint32_t width = 0, height = 0;
  std::vector<std::uint32_t> rgba;  ///< 0xRRGGBBAA

  std::uint32_t at(std::uint32_t x, std::uint32_t y) const { return rgba[static_cast<std::size_t>(y) * width + x]; }
  /// How many pixels of each colour.
  std::unordered_map<std::uint32_t, std::size_t> histogram() const {
    std::unordered_map<std::uint32_t, std::size_t> h;
    for (std::uint32_t p : rgba) ++h[p];
    return h;
  }
};

inline std::uint32_t be32(const std::uint8_t* p) {
  return (static_cast<std::uint32_t>(p[0]) << 24) | (static_cast<std::uint32_t>(p[1]) << 16) | (static_cast<std::uint32_t>(p[2]) << 8) | p[3];
}

/// Reads an 8-bit RGB or RGBA PNG file.
inline image read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  const std::vector<std::uint8_t> d((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  static constexpr std::uint8_t sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (d.size() < 8 || !std::equal(std::begin(sig), std::end(sig), d.begin())) throw std::runtime_error(path + ": not a PNG");
  image img;
  int depth = 0, type = 0, interlace = 0;
  std::vector<std::uint8_t> z;
  for (std::size_t at = 8; at + 8 <= d.size();) {
    const std::uint32_t len = be32(&d[at]);
    const std::string kind(reinterpret_cast<const char*>(&d[at + 4]), 4);
    if (at + 12 + len > d.size()) throw std::runtime_error(path + ": truncated chunk");
    const std::uint8_t* c = &d[at + 8];
    if (kind == "IHDR") {
      img.width = be32(c);
      img.height = be32(c + 4);
      depth = c[8];
      type = c[9];
      interlace = c[12];
    } else if (kind == "IDAT") {
      z.insert(z.end(), c, c + len);
    } else if (kind == "IEND") {
      break;
    }
    at += 12 + len;
  }
  if (depth != 8 || (type != 2 && type != 6) || interlace != 0) throw std::runtime_error(path + ": not an 8-bit RGB(A) non-interlaced PNG");
  const std::size_t bpp = type == 6 ? 4 : 3, stride = img.width * bpp;
  const std::vector<std::uint8_t> raw = inflate_zlib(z);
  if (raw.size() < (stride + 1) * img.height) throw std::runtime_error(path + ": short image data");
  std::vector<std::uint8_t> prev(stride, 0), line(stride);
  img.rgba.reserve(static_cast<std::size_t>(img.width) * img.height);
  for (std::uint32_t y = 0; y < img.height; ++y) {
    const std::uint8_t* row = &raw[y * (stride + 1)];
    const int filter = row[0];
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= bpp ? line[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      int v = row[1 + i];
      switch (filter) {
        case 0: break;
        case 1: v += a; break;
        case 2: v += b; break;
        case 3: v += (a + b) / 2; break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw std::runtime_error(path + ": bad filter");
      }
      line[i] = static_cast<std::uint8_t>(v & 0xFF);
    }
    for (std::uint32_t x = 0; x < img.width; ++x) {
      const std::uint8_t* px = &line[x * bpp];
      img.rgba.push_back((static_cast<std::uint32_t>(px[0]) << 24) | (static_cast<std::uint32_t>(px[1]) << 16) |
                         (static_cast<std::uint32_t>(px[2]) << 8) | (bpp == 4 ? px[3] : 0xFFu));
    }
    prev = line;
  }
  return img;
}

}  // namespace png

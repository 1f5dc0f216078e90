// What every fuzz harness shares: the property check that aborts (libFuzzer and the sanitizers
// report an abort with the input that caused it), the rule that an error is an input_error naming
// its source, a scratch file for readers that take a path, and, without libFuzzer, a main() that
// replays corpus files and directories given on the command line.
//
// Built with clang's -fsanitize=fuzzer,address,undefined when clang++ is installed
// (tests/fuzz/CMakeLists.txt), otherwise as plain replayers with the project's compiler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <inferlens/error.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fuzz {

/// A property that must hold: on failure, say which and abort (the fuzzer keeps the input).
inline void check(bool ok, const char* property, const std::string& detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "fuzz property failed: %s\n%s\n", property, detail.c_str());
  std::abort();
}

/// An input_error names the source it was given (the file or option) and says something.
inline void check_named(const inferlens::input_error& e, std::string_view source) {
  check(e.where().file == source, "an input_error names its source", std::string("expected '") + std::string(source) + "', got: " + e.what());
  check(!e.message().empty(), "an input_error has a message", e.what());
  check(std::string_view(e.what()).substr(0, source.size()) == source, "what() starts with the source", e.what());
}

/// The bytes as text.
inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// A scratch file of this process, holding `bytes`; its path. For readers that take a path.
inline const std::string& scratch_file(std::string_view bytes, const char* extension) {
  static std::string path;
  const char* dir = std::getenv("TMPDIR");
  path = std::string(dir && *dir ? dir : "/tmp") + "/inferlens-fuzz-" + std::to_string(::getpid()) + extension;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  check(f != nullptr, "the scratch file can be written", path);
  check(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size(), "the scratch file is written", path);
  std::fclose(f);
  return path;
}

}  // namespace fuzz

#ifndef INFERLENS_LIBFUZZER
// Replays every file given, or every file in a directory given (not recursive).
namespace fuzz {
inline std::vector<char> read_all(const std::string& path) {
  std::vector<char> bytes;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  check(f != nullptr, "a corpus file can be opened", path);
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.insert(bytes.end(), buf, buf + n);
  std::fclose(f);
  return bytes;
}
inline std::size_t replay(const std::string& path) {
  struct stat st {};
  check(::stat(path.c_str(), &st) == 0, "a corpus path exists", path);
  if (!S_ISDIR(st.st_mode)) {
    const std::vector<char> bytes = read_all(path);
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    return 1;
  }
  std::size_t n = 0;
  if (DIR* d = ::opendir(path.c_str())) {
    std::vector<std::string> files;
    while (const dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') files.push_back(path + "/" + e->d_name);
    ::closedir(d);
    for (const auto& f : files) n += replay(f);
  }
  return n;
}
}  // namespace fuzz

int main(int argc, char** argv) {
  std::size_t n = 0;
  for (int i = 1; i < argc; ++i)
    if (argv[i][0] != '-') n += fuzz::replay(argv[i]);  // libFuzzer flags are ignored here
  std::printf("replayed %zu inputs\n", n);
  return 0;
}
#endif

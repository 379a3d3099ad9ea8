#include "store/rfc3339.hpp"

#include <charconv>
#include <cstdio>

namespace llmhost::store {

namespace chr = std::chrono;

std::string to_rfc3339(chr::system_clock::time_point t) {
  const auto ns = chr::time_point_cast<chr::nanoseconds>(t);
  const auto day = chr::floor<chr::days>(ns);
  const chr::year_month_day ymd{day};
  const chr::hh_mm_ss hms{ns - day};
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", int(ymd.year()),
                        unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                        int(hms.minutes().count()), int(hms.seconds().count()));
  std::string out(buf, static_cast<size_t>(n));
  if (const auto frac = hms.subseconds().count(); frac != 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(frac));
    out += buf;
  }
  return out + "Z";
}

std::filesystem::file_time_type to_file_time(chr::system_clock::time_point t) {
  using file_clock = std::filesystem::file_time_type::clock;
  return file_clock::from_sys(chr::time_point_cast<chr::system_clock::duration>(t));
}

std::string to_rfc3339(std::filesystem::file_time_type t) {
  return to_rfc3339(chr::time_point_cast<chr::system_clock::duration>(
      std::filesystem::file_time_type::clock::to_sys(t)));
}

namespace {

bool read_int(std::string_view s, size_t pos, size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (size_t i = pos; i < pos + len; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return std::from_chars(s.data() + pos, s.data() + pos + len, out).ec == std::errc{};
}

} // namespace

std::optional<chr::system_clock::time_point> parse_rfc3339(std::string_view s) {
  int Y, M, D, h, m, sec;
  if (!read_int(s, 0, 4, Y) || s.size() < 20 || s[4] != '-' || !read_int(s, 5, 2, M) || s[7] != '-' ||
      !read_int(s, 8, 2, D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !read_int(s, 11, 2, h) || s[13] != ':' || !read_int(s, 14, 2, m) || s[16] != ':' ||
      !read_int(s, 17, 2, sec))
    return std::nullopt;
  const chr::year_month_day ymd{chr::year{Y}, chr::month{unsigned(M)}, chr::day{unsigned(D)}};
  if (!ymd.ok() || h > 23 || m > 59 || sec > 60) return std::nullopt;
  size_t pos = 19;
  chr::nanoseconds frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    long long value = 0;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 9) {
        value = value * 10 + (s[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 9; ++i) value *= 10;
    frac = chr::nanoseconds{value};
  }
  chr::minutes offset{0};
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!read_int(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !read_int(s, pos + 4, 2, om))
      return std::nullopt;
    offset = chr::hours{oh} + chr::minutes{om};
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const auto local = chr::sys_days{ymd} + chr::hours{h} + chr::minutes{m} + chr::seconds{sec} + frac;
  return chr::time_point_cast<chr::system_clock::duration>(local - offset);
}

} // namespace llmhost::store

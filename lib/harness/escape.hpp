#pragma once
// Text made safe where it goes: any bytes (an implementation's message, a path) cleaned to UTF-8
// for JSON, XML and a terminal; markup entities for XML (JUnit) and HTML (verify's report); words
// quoted for the shell (replay commands).
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "tconv/text.hpp"  // escape_markup

namespace tconv::harness {

/// A word the shell reads back unchanged: 'it''s' quoting where needed.
[[nodiscard]] inline std::string shell_quote(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '.' || c == '_' ||
          c == '-' || c == '=' || c == ',' || c == ':' || c == '+'))
      plain = false;
  if (plain) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// s with every byte that is not part of valid UTF-8, and every control character but tab and
/// newline, replaced by U+FFFD: an implementation's message or a path, safe in JSON, XML and on
/// a terminal.
[[nodiscard]] inline std::string clean_text(const std::string& s) {
  static constexpr const char* replacement = "\xEF\xBF\xBD";
  std::string r;
  r.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
        r += replacement;
      else
        r += static_cast<char>(c);
      ++i;
      continue;
    }
    // lead byte: length and the smallest code point it may encode (no overlong forms)
    const std::size_t n = c >= 0xC2 && c <= 0xDF   ? 2
                          : c >= 0xE0 && c <= 0xEF ? 3
                          : c >= 0xF0 && c <= 0xF4 ? 4
                                                   : 0;
    std::uint32_t cp = n == 2 ? c & 0x1Fu : n == 3 ? c & 0x0Fu : c & 0x07u;
    bool ok = n != 0 && i + n <= s.size();
    for (std::size_t k = 1; ok && k < n; ++k) {
      const auto t = static_cast<unsigned char>(s[i + k]);
      ok = (t & 0xC0) == 0x80;
      cp = (cp << 6) | (t & 0x3Fu);
    }
    ok = ok && !(n == 3 && cp < 0x800) && !(n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
         !(cp >= 0xD800 && cp <= 0xDFFF) && !(cp >= 0x80 && cp < 0xA0);  // C1 controls too
    if (ok) {
      r.append(s, i, n);
      i += n;
    } else {
      r += replacement;
      ++i;
    }
  }
  return r;
}

/// Any text for an XML (JUnit) file: clean_text (no control characters left), then escape_markup.
[[nodiscard]] inline std::string xml_escape(const std::string& text) {
  return escape_markup(clean_text(text));
}

}  // namespace tconv::harness

// The system SQLite 3 C API (libsqlite3-dev on Debian/Ubuntu, the SDK or Homebrew's sqlite on macOS).
// HypergraphStore needs 3.37 or newer (STRICT tables, ON CONFLICT DO NOTHING without a target).
#include <sqlite3.h>

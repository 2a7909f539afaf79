//! RON project files: load (with validation and migration) and atomic save.

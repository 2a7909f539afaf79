//! Importing plain text and Markdown files as documents.

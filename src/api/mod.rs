//! Pure request building for every QStash endpoint.

//! Wire types shared with the local server.

//! A Rust client for tinykv: keys and values as bytes.

use std::collections::HashMap;

/// An in-memory stand-in for a server, for tests.
#[derive(Debug, Default)]
pub struct MemStore {
    data: HashMap<String, Vec<u8>>,
}

impl MemStore {
    /// The value stored under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&[u8]> {
        self.data.get(key).map(|v| v.as_slice())
    }

    /// Stores `value` under `key`; returns the value it replaces.
    #[inline]
    pub fn put(&mut self, key: &str, value: Vec<u8>) -> Option<Vec<u8>> {
        self.data.insert(key.to_string(), value)
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }
}

/// A codec turns values into bytes and back.
pub trait Codec {
    /// Encodes one value.
    fn encode(&self, value: &str) -> Vec<u8>;
}

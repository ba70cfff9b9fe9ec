//! Stripe's form encoding: `a[b][0][c]=v` pairs, read by their full bracketed key.

use serde_json::{Map, Value};

use super::state::ApiError;

/// The most Stripe accepts for an amount in the smallest unit ($999,999.99).
pub const MAX_AMOUNT: i64 = 99_999_999;

#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    pub fn parse(bytes: &[u8]) -> Self {
        let text = String::from_utf8_lossy(bytes);
        let pairs = text.split('&').filter(|pair| !pair.is_empty()).map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        });
        Self(pairs.collect())
    }

    /// `k=v&…`, form-encoded.
    pub fn encode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
        let pairs = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k.as_ref()), encode(v.as_ref())));
        pairs.collect::<Vec<_>>().join("&")
    }

    /// The value of `key`; an empty value counts as absent (Stripe's "unset").
    pub fn str(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    pub fn string(&self, key: &str) -> Option<String> {
        self.str(key).map(str::to_owned)
    }

    pub fn required(&self, key: &str) -> Result<&str, ApiError> {
        self.str(key).ok_or_else(|| ApiError::missing(key))
    }

    pub fn has_prefix(&self, prefix: &str) -> bool {
        self.0.iter().any(|(k, _)| k.starts_with(prefix))
    }

    pub fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        self.str(key)
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    ApiError::invalid(Some("parameter_invalid_integer"), format!("Invalid integer: {v}")).param(key)
                })
            })
            .transpose()
    }

    /// A non-negative amount no larger than Stripe's maximum.
    pub fn amount(&self, key: &str) -> Result<Option<i64>, ApiError> {
        let amount = self.int(key)?;
        match amount {
            Some(a) if a < 0 => Err(ApiError::invalid(
                Some("parameter_invalid_integer"),
                format!("This value must be greater than or equal to 0 (it currently is '{a}')."),
            )
            .param(key)),
            Some(a) if a > MAX_AMOUNT => {
                Err(ApiError::invalid(Some("amount_too_large"), "Amount must be no more than $999,999.99").param(key))
            }
            _ => Ok(amount),
        }
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.str(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(v) => Err(ApiError::invalid(None, format!("Invalid boolean: {v}")).param(key)),
        }
    }

    pub fn float(&self, key: &str) -> Result<Option<f64>, ApiError> {
        self.str(key)
            .map(|v| {
                v.parse::<f64>().ok().filter(|f| f.is_finite()).ok_or_else(|| {
                    ApiError::invalid(Some("parameter_invalid_float"), format!("Invalid float: {v}")).param(key)
                })
            })
            .transpose()
    }

    /// One of `allowed`, or a 400 naming them.
    pub fn one_of(&self, key: &str, allowed: &[&str]) -> Result<Option<&str>, ApiError> {
        match self.str(key) {
            Some(v) if !allowed.contains(&v) => {
                Err(ApiError::invalid(None, format!("Invalid {key}: must be one of {}", allowed.join(", "))).param(key))
            }
            v => Ok(v),
        }
    }

    /// `prefix[k]=v` pairs as a JSON object (metadata and the like).
    pub fn map(&self, prefix: &str) -> Value {
        let start = format!("{prefix}[");
        let entries = self.0.iter().filter_map(|(k, v)| {
            let key = k.strip_prefix(&start)?.strip_suffix(']')?;
            (!key.contains('[')).then(|| (key.to_owned(), Value::String(v.clone())))
        });
        Value::Object(entries.collect::<Map<_, _>>())
    }

    /// The pairs sorted, to compare two requests' parameters.
    pub fn sorted(&self) -> Vec<(String, String)> {
        let mut pairs = self.0.clone();
        pairs.sort();
        pairs
    }
}

/// Form decoding: `+` is a space, `%XX` a byte (a stray `%` stays as it is).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 2;
            }
            (byte, _) => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Form encoding, as browsers and `form_urlencoded` do it.
fn encode(text: &str) -> String {
    text.bytes().fold(String::new(), |mut out, b| {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::Params;

    #[test]
    fn round_trip() {
        let pairs = [
            ("line_items[0][price_data][product_data][name]", "Café & co = 100%+"),
            ("empty", ""),
        ];
        let encoded = Params::encode(&pairs);
        assert!(
            encoded.starts_with("line_items%5B0%5D%5Bprice_data%5D")
                && encoded.contains("Caf%C3%A9+%26+co+%3D+100%25%2B")
        );
        let parsed = Params::parse(encoded.as_bytes());
        assert_eq!(parsed.0, pairs.map(|(k, v)| (k.to_owned(), v.to_owned())));
        assert_eq!(
            Params::parse(b"a=%zz%&b&=c").0,
            [
                ("a".into(), "%zz%".into()),
                ("b".into(), "".into()),
                ("".into(), "c".into())
            ]
        );
    }
}

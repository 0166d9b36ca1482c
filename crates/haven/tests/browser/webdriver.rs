//! A small blocking W3C WebDriver client: the dozen commands the browser suite uses, spoken as
//! JSON over HTTP/1.1 on a plain `TcpStream` to a chromedriver on this machine.
//!
//! Why not `thirtyfour`: it switches on serde_json's `preserve_order` feature, and cargo unifies
//! that feature across the whole workspace whenever this crate's tests are built, which changes
//! the key order of every `serde_json::Value` and breaks other crates' JSON snapshots. The
//! protocol subset needed here is small and stable, so it is written out instead.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

/// The key under which WebDriver returns and accepts element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

#[derive(Debug)]
pub enum WdError {
    Io(io::Error),
    /// The driver answered with a WebDriver error ("no such element", "timeout", ...).
    Driver {
        status: u16,
        error: String,
        message: String,
    },
    /// The driver answered something that is not a WebDriver response.
    Malformed(String),
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "webdriver connection: {e}"),
            Self::Driver {
                status,
                error,
                message,
            } => write!(f, "webdriver {status} {error}: {message}"),
            Self::Malformed(m) => write!(f, "webdriver malformed response: {m}"),
        }
    }
}

impl From<io::Error> for WdError {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

impl WdError {
    pub fn is_no_such_element(&self) -> bool {
        matches!(self, Self::Driver { error, .. } if error == "no such element")
    }
}

pub type WdResult<T> = Result<T, WdError>;

/// One HTTP exchange with the driver; returns the status and the parsed JSON body.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> WdResult<(u16, Value)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    // Generous: a navigation command only answers once the page has loaded.
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let payload = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    stream.write_all(request.as_bytes())?;
    let (status, content) = read_response(&mut stream)?;
    if content.is_empty() {
        return Ok((status, Value::Null));
    }
    let value: Value = serde_json::from_slice(&content)
        .map_err(|e| WdError::Malformed(format!("{e}: {}", String::from_utf8_lossy(&content))))?;
    Ok((status, value))
}

/// Reads one response: status and body. chromedriver answers `Connection: close` but keeps the
/// socket open, so the body is read by its length rather than to the end of the stream.
fn read_response(stream: &mut TcpStream) -> WdResult<(u16, Vec<u8>)> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let split = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            return Err(WdError::Malformed(
                "connection closed before the headers ended".into(),
            ));
        }
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let mut content = raw[split + 4..].to_vec();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| WdError::Malformed(format!("status line: {head}")))?;
    let header = |name: &str| {
        head.lines().find_map(|l| {
            l.strip_prefix(name)
                .map(|v| v.trim_start_matches(':').trim().to_owned())
        })
    };
    if let Some(length) = header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| WdError::Malformed(format!("content-length {length:?}")))?;
        while content.len() < length {
            let n = stream.read(&mut buf)?;
            if n == 0 {
                return Err(WdError::Malformed("body shorter than its length".into()));
            }
            content.extend_from_slice(&buf[..n]);
        }
        content.truncate(length);
        Ok((status, content))
    } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        while !content.ends_with(b"0\r\n\r\n") {
            let n = stream.read(&mut buf)?;
            if n == 0 {
                break;
            }
            content.extend_from_slice(&buf[..n]);
        }
        Ok((status, dechunk(&content)?))
    } else {
        stream.read_to_end(&mut content)?;
        Ok((status, content))
    }
}

/// Decodes an HTTP/1.1 chunked body.
fn dechunk(mut data: &[u8]) -> WdResult<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| WdError::Malformed("chunk size line".into()))?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| WdError::Malformed(format!("chunk size {size_text:?}")))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size {
            return Err(WdError::Malformed("truncated chunk".into()));
        }
        out.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or_default();
    }
}

/// A browser session on a driver.
pub struct Session {
    driver: SocketAddr,
    id: String,
}

impl Session {
    /// `POST /session` with these capabilities (the `alwaysMatch` object).
    pub fn new(driver: SocketAddr, always_match: Value) -> WdResult<Self> {
        let body = json!({ "capabilities": { "alwaysMatch": always_match } });
        let value = unwrap_value(http(driver, "POST", "/session", Some(&body))?)?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| WdError::Malformed(format!("no sessionId in {value}")))?
            .to_owned();
        Ok(Self { driver, id })
    }

    fn command(&self, method: &str, path: &str, body: Option<Value>) -> WdResult<Value> {
        let path = format!("/session/{}{path}", self.id);
        // WebDriver requires a JSON body on every POST, even an empty one.
        let body = match (method, body) {
            ("POST", None) => Some(json!({})),
            (_, b) => b,
        };
        unwrap_value(http(self.driver, method, &path, body.as_ref())?)
    }

    pub fn set_timeouts(&self, page_load: Duration, script: Duration) -> WdResult<()> {
        let body = json!({ "pageLoad": page_load.as_millis() as u64, "script": script.as_millis() as u64, "implicit": 0 });
        self.command("POST", "/timeouts", Some(body)).map(drop)
    }

    pub fn set_window_size(&self, width: u32, height: u32) -> WdResult<()> {
        let body = json!({ "width": width, "height": height });
        self.command("POST", "/window/rect", Some(body)).map(drop)
    }

    pub fn goto(&self, url: &str) -> WdResult<()> {
        self.command("POST", "/url", Some(json!({ "url": url })))
            .map(drop)
    }

    pub fn current_url(&self) -> WdResult<String> {
        let v = self.command("GET", "/url", None)?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    pub fn find(&self, css: &str) -> WdResult<Element<'_>> {
        self.find_by("css selector", css)
    }

    pub fn find_xpath(&self, xpath: &str) -> WdResult<Element<'_>> {
        self.find_by("xpath", xpath)
    }

    fn find_by(&self, using: &str, value: &str) -> WdResult<Element<'_>> {
        let body = json!({ "using": using, "value": value });
        let v = self.command("POST", "/element", Some(body))?;
        self.element(&v)
    }

    pub fn find_all(&self, css: &str) -> WdResult<Vec<Element<'_>>> {
        let body = json!({ "using": "css selector", "value": css });
        let v = self.command("POST", "/elements", Some(body))?;
        v.as_array()
            .ok_or_else(|| WdError::Malformed(format!("elements: {v}")))?
            .iter()
            .map(|e| self.element(e))
            .collect()
    }

    fn element(&self, v: &Value) -> WdResult<Element<'_>> {
        let id = v[ELEMENT_KEY]
            .as_str()
            .ok_or_else(|| WdError::Malformed(format!("element reference: {v}")))?
            .to_owned();
        Ok(Element { session: self, id })
    }

    /// Runs a script in the page; `arguments[i]` are `args` (elements via [`Element::json`]).
    pub fn execute(&self, script: &str, args: Vec<Value>) -> WdResult<Value> {
        let body = json!({ "script": script, "args": args });
        self.command("POST", "/execute/sync", Some(body))
    }

    /// Runs an asynchronous script; it finishes by calling its last argument.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> WdResult<Value> {
        let body = json!({ "script": script, "args": args });
        self.command("POST", "/execute/async", Some(body))
    }

    /// A PNG of the viewport.
    pub fn screenshot_png(&self) -> WdResult<Vec<u8>> {
        decode_base64(&self.command("GET", "/screenshot", None)?, "screenshot")
    }

    /// The page as the browser prints it, as a PDF (WebDriver "Print Page"), with the print
    /// style sheet applied.
    pub fn print_pdf(&self) -> WdResult<Vec<u8>> {
        let body = json!({ "background": true });
        decode_base64(&self.command("POST", "/print", Some(body))?, "print")
    }

    /// Ends the session (and closes the browser).
    pub fn quit(&self) -> WdResult<()> {
        let path = format!("/session/{}", self.id);
        unwrap_value(http(self.driver, "DELETE", &path, None)?).map(drop)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Best effort: chromedriver is killed right after, which also ends Chromium.
        let _ = self.quit();
    }
}

/// The bytes of a base64 string the driver answered with.
fn decode_base64(value: &Value, what: &str) -> WdResult<Vec<u8>> {
    let text = value
        .as_str()
        .ok_or_else(|| WdError::Malformed(format!("{what} is not a string")))?;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| WdError::Malformed(format!("{what} base64: {e}")))
}

/// Turns a driver answer into its `value`, or the WebDriver error it carries.
fn unwrap_value((status, body): (u16, Value)) -> WdResult<Value> {
    let value = body.get("value").cloned().unwrap_or(Value::Null);
    if status >= 400 {
        return Err(WdError::Driver {
            status,
            error: value["error"].as_str().unwrap_or("unknown").to_owned(),
            message: value["message"]
                .as_str()
                .unwrap_or_default()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        });
    }
    Ok(value)
}

/// An element of the current page.
pub struct Element<'s> {
    session: &'s Session,
    id: String,
}

impl Element<'_> {
    /// The element as a script argument.
    pub fn json(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    fn command(&self, method: &str, what: &str, body: Option<Value>) -> WdResult<Value> {
        self.session
            .command(method, &format!("/element/{}{what}", self.id), body)
    }

    pub fn click(&self) -> WdResult<()> {
        self.command("POST", "/click", None).map(drop)
    }

    pub fn clear(&self) -> WdResult<()> {
        self.command("POST", "/clear", None).map(drop)
    }

    /// Types the text as key presses.
    pub fn send_keys(&self, text: &str) -> WdResult<()> {
        self.command("POST", "/value", Some(json!({ "text": text })))
            .map(drop)
    }

    /// The rendered text, as a person would read it.
    pub fn text(&self) -> WdResult<String> {
        let v = self.command("GET", "/text", None)?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// An HTML attribute as written in the page, if present.
    pub fn attr(&self, name: &str) -> WdResult<Option<String>> {
        let v = self.command("GET", &format!("/attribute/{name}"), None)?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// A DOM property, e.g. an input's current `value`.
    pub fn prop(&self, name: &str) -> WdResult<Value> {
        self.command("GET", &format!("/property/{name}"), None)
    }

    pub fn is_displayed(&self) -> WdResult<bool> {
        let v = self.command("GET", "/displayed", None)?;
        Ok(v.as_bool().unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::dechunk;

    #[test]
    fn chunked_bodies_are_joined() {
        let body = b"4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n";
        assert_eq!(dechunk(body).expect("valid"), b"{\"a\":1}");
        assert!(dechunk(b"zz\r\n").is_err());
    }
}

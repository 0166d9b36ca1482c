//! What a person does on a page, as `Browser` methods: open a page, sign in, type into a field
//! found by its form name, choose an option, press a button or follow a link by its visible
//! text, and read what the page shows. Failures panic with the page's path, for the test log.

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{Browser, PASSWORD, wait_until};
use crate::webdriver::Element;

/// How long a page may take to appear after a click.
const NAVIGATION: Duration = Duration::from_secs(10);

impl Browser {
    /// Opens a path of the Haven under test.
    pub fn open(&self, path: &str) {
        self.session
            .goto(&format!("{}{path}", self.base))
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// The current path and query, without the scheme and host.
    pub fn path(&self) -> String {
        let url = self.session.current_url().expect("current url");
        url.strip_prefix(&self.base).unwrap_or(&url).to_owned()
    }

    pub fn sign_in(&self, username: &str) {
        self.open("/login");
        self.fill("username", username);
        self.fill("password", PASSWORD);
        self.press("Sign in");
        assert!(
            !self.path().starts_with("/login"),
            "{username} could not sign in: {}",
            self.main_text()
        );
    }

    pub fn sign_out(&self) {
        let button = self
            .session
            .find_xpath("//header//button[normalize-space()='Sign out']")
            .expect("a Sign out button in the header");
        self.navigate_by(|| button.click());
    }

    /// The form control with this `name` inside the page's main content.
    pub fn field(&self, name: &str) -> Element<'_> {
        self.session
            .find(&format!("main [name=\"{name}\"]:not([type=hidden])"))
            .unwrap_or_else(|e| panic!("no field named {name} on {}: {e}", self.path()))
    }

    /// Replaces a text field's contents by typing.
    pub fn fill(&self, name: &str, text: &str) {
        let field = self.field(name);
        field.clear().expect("clear");
        field
            .send_keys(text)
            .unwrap_or_else(|e| panic!("type into {name}: {e}"));
    }

    /// The current value of a field, as the browser holds it.
    pub fn value(&self, name: &str) -> String {
        match self.field(name).prop("value").expect("value") {
            Value::String(s) => s,
            other => other.to_string(),
        }
    }

    /// Chooses the option with this value in a select.
    pub fn choose(&self, name: &str, value: &str) {
        let option = self
            .session
            .find(&format!(
                "main select[name=\"{name}\"] option[value=\"{value}\"]"
            ))
            .unwrap_or_else(|e| panic!("no option {value} in {name}: {e}"));
        option.click().expect("choose option");
        assert_eq!(self.value(name), value, "{name} selected");
    }

    /// Ticks a radio button or checkbox by clicking its label, as a person would.
    pub fn pick(&self, name: &str, value: &str) {
        let input = self
            .session
            .find(&format!("main input[name=\"{name}\"][value=\"{value}\"]"))
            .unwrap_or_else(|e| panic!("no {name}={value} choice: {e}"));
        let id = input.attr("id").expect("id").expect("choices have ids");
        self.session
            .find(&format!("label[for=\"{id}\"]"))
            .expect("the choice has a label")
            .click()
            .expect("click label");
        assert_eq!(
            input.prop("checked").expect("checked"),
            Value::Bool(true),
            "{name}={value} ticked"
        );
    }

    /// Sets a date field. Typing into `<input type=date>` depends on the browser's locale, so
    /// the value is set the way the date picker sets it, with an input event.
    pub fn set_date(&self, name: &str, iso: &str) {
        let field = self.field(name);
        self.session
            .execute(
                "arguments[0].value = arguments[1]; \
                 arguments[0].dispatchEvent(new Event('input', {bubbles: true})); \
                 arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                vec![field.json(), json!(iso)],
            )
            .expect("set date");
        assert_eq!(self.value(name), iso);
    }

    /// Presses the button with this text in the main content and waits for the next page.
    pub fn press(&self, text: &str) {
        let button = self
            .session
            .find_xpath(&format!(
                "//main//button[normalize-space()={}]",
                xpath_literal(text)
            ))
            .unwrap_or_else(|e| panic!("no button {text:?} on {}: {e}", self.path()));
        self.navigate_by(|| button.click());
    }

    /// Follows the first link with this text in the main content.
    pub fn follow(&self, text: &str) {
        let link = self
            .session
            .find_xpath(&format!(
                "//main//a[normalize-space()={}]",
                xpath_literal(text)
            ))
            .unwrap_or_else(|e| panic!("no link {text:?} on {}: {e}", self.path()));
        self.navigate_by(|| link.click());
    }

    /// Runs `act` and waits until a new document has replaced the current one and loaded.
    fn navigate_by(&self, act: impl FnOnce() -> crate::webdriver::WdResult<()>) {
        self.session
            .execute("window.__havenOldPage = true;", vec![])
            .expect("mark the page");
        act().expect("click");
        let loaded = wait_until(NAVIGATION, || {
            self.session
                .execute(
                    "return window.__havenOldPage !== true && document.readyState === 'complete';",
                    vec![],
                )
                .is_ok_and(|v| v == Value::Bool(true))
        });
        assert!(
            loaded,
            "no new page within {NAVIGATION:?} (still at {})",
            self.path()
        );
    }

    /// Whether an element matching the selector exists.
    pub fn has(&self, css: &str) -> bool {
        match self.session.find(css) {
            Ok(_) => true,
            Err(e) if e.is_no_such_element() => false,
            Err(e) => panic!("find {css}: {e}"),
        }
    }

    /// The rendered text of the first element matching the selector.
    pub fn text(&self, css: &str) -> String {
        self.session
            .find(css)
            .and_then(|e| e.text())
            .unwrap_or_else(|e| panic!("no {css} on {}: {e}", self.path()))
    }

    /// The rendered text of every element matching the selector.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.session
            .find_all(css)
            .expect("find all")
            .iter()
            .map(|e| e.text().expect("text"))
            .collect()
    }

    pub fn main_text(&self) -> String {
        self.text("main")
    }

    /// The HTTP status of a GET of this path with the browser's own session cookie.
    pub fn status_of(&self, path: &str) -> u16 {
        let v = self
            .session
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 fetch(arguments[0], {credentials: 'same-origin', redirect: 'manual'}) \
                   .then(r => done(r.status), e => done(-1));",
                vec![json!(path)],
            )
            .expect("fetch");
        v.as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or_else(|| panic!("fetch {path} failed: {v}"))
    }

    /// The path of the first link inside `scope` whose text contains `text`.
    pub fn link_href(&self, scope: &str, text: &str) -> String {
        let link = self
            .session
            .find_xpath(&format!(
                "{scope}//a[contains(normalize-space(), {})]",
                xpath_literal(text)
            ))
            .unwrap_or_else(|e| panic!("no link containing {text:?} on {}: {e}", self.path()));
        let href = link
            .prop("href")
            .expect("href")
            .as_str()
            .unwrap_or_default()
            .to_owned();
        href.strip_prefix(&self.base).unwrap_or(&href).to_owned()
    }
}

/// An XPath string literal for text that has no single quote in it.
fn xpath_literal(text: &str) -> String {
    assert!(!text.contains('\''), "xpath_literal: {text:?} has a quote");
    format!("'{text}'")
}

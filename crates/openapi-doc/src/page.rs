//! The reference page (spec §4.5): the original's Scalar page, with the document
//! inlined as `scalarConfig.content` (Scalar does not fetch `spec.json`). The inline
//! JSON is escaped for a `<script>` element as oRPC's `escapeJsonForHtml` does —
//! `&`, `'`, `<`, `>` and `/` as `\u` escapes — so no string in the document can end
//! the script or open a comment; the title is entity-escaped.

use serde_json::{Value as Json, json};

/// Where the page loads Scalar from, as the original.
pub const SCALAR_SCRIPT: &str = "https://cdn.jsdelivr.net/npm/@scalar/api-reference";

/// The page's title, as the original's (the document's `info.title`).
const TITLE: &str = "API Reference";

/// The page for `document` (its compact JSON text).
pub fn html(document_json: &str) -> String {
    let config = json!({ "content": document_json });
    let config = escape_json_for_html(&Json::to_string(&config));
    let title = escape_html(TITLE);
    format!(
        r#"<!doctype html>
<html>
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>{title}</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="{SCALAR_SCRIPT}"></script>
    <!-- The config is assigned to a constant first, so that no value can break the call below. -->
    <script>
      const scalarConfig = {config}
      Scalar.createApiReference('#app', scalarConfig)
    </script>
  </body>
</html>
"#
    )
}

/// JSON text made safe inside a `<script>` element (still the same JSON to a parser).
pub fn escape_json_for_html(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '&' => out.push_str("\\u0026"),
            '\'' => out.push_str("\\u0027"),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '/' => out.push_str("\\u002F"),
            other => out.push(other),
        }
    }
    out
}

/// Text made safe as HTML element content or attribute value.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inlines_the_document_like_the_original() {
        // From the reference transcript of `GET /api-reference`.
        let doc = r#"{"servers":[{"url":"http://localhost:3000/api-reference"}],"paths":{"/healthCheck":{}}}"#;
        let page = html(doc);
        assert!(page.contains(
            r#"const scalarConfig = {"content":"{\"servers\":[{\"url\":\"http:\u002F\u002Flocalhost:3000\u002Fapi-reference\"}],\"paths\":{\"\u002FhealthCheck\":{}}}"}"#
        ));
        assert!(page.contains("<title>API Reference</title>"));
        assert!(page.contains(
            r#"<script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference"></script>"#
        ));
    }

    #[test]
    fn no_string_can_end_the_script() {
        let hostile = r#"{"x":"</script><script>alert('x')</script><!-- & -->"}"#;
        let page = html(hostile);
        let script = page
            .split("const scalarConfig = ")
            .nth(1)
            .and_then(|rest| rest.split('\n').next())
            .unwrap_or_default();
        for bad in ["<", ">", "'", "&", "/"] {
            assert!(!script.contains(bad), "{bad} escaped in {script}");
        }
        // Still the same JSON.
        let parsed: Json = serde_json::from_str(script).unwrap_or_default();
        assert_eq!(parsed["content"], hostile);
    }
}

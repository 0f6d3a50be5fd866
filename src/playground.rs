//! The GraphQL playground: a GraphiQL page whose assets are all embedded in the
//! binary, so it works with no network access other than the GraphQL endpoint.
//!
//! This module knows nothing about the web framework; the server wires it:
//!
//! * `GET /graphql` answers [`page`]`("/graphql", "/graphql/assets", EXAMPLE)`
//!   as `text/html; charset=utf-8`;
//! * `GET /graphql/assets/{name}` answers [`asset`]`(name)` (404 on `None`).
//!
//! The vendored files live in `assets/graphiql/` (see its README for the pinned
//! versions, licences and `scripts/vendor-graphiql.sh` to refresh them). The
//! page bootstrap script is ours and lives here ([`asset`] serves it as
//! `playground.js`), so that the page needs no inline script and can carry a
//! strict Content-Security-Policy.
//!
//! Network use of the page, by design: its own assets, the endpoint (queries
//! and the schema introspection behind the docs explorer), nothing else. The
//! CSP in the page enforces that; GraphiQL's image-preview tooltip (which would
//! fetch image URLs found in responses) is switched off; no subscription
//! WebSocket URL is configured; the favicon is an inline `data:` URI.

use std::fmt::Write as _;

/// GraphiQL's UMD bundle (graphiql 3.8.3).
const GRAPHIQL_JS: &[u8] = include_bytes!("../assets/graphiql/graphiql.min.js");
/// GraphiQL's stylesheet (its fonts are inline `data:` URIs).
const GRAPHIQL_CSS: &[u8] = include_bytes!("../assets/graphiql/graphiql.min.css");
/// React 18.3.1 UMD production build.
const REACT_JS: &[u8] = include_bytes!("../assets/graphiql/react.production.min.js");
/// ReactDOM 18.3.1 UMD production build.
const REACT_DOM_JS: &[u8] = include_bytes!("../assets/graphiql/react-dom.production.min.js");
const LICENSE_GRAPHIQL: &[u8] = include_bytes!("../assets/graphiql/LICENSE-graphiql");
const LICENSE_REACT: &[u8] = include_bytes!("../assets/graphiql/LICENSE-react");
const LICENSE_REACT_DOM: &[u8] = include_bytes!("../assets/graphiql/LICENSE-react-dom");
const LICENSE_ENTITIES: &[u8] = include_bytes!("../assets/graphiql/LICENSE-entities");

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// The page's title.
pub const TITLE: &str = "tradegraph — GraphQL playground";

/// The bootstrap script, served as `playground.js`. It reads its settings from
/// the JSON block `#tradegraph-playground-config` and renders GraphiQL.
///
/// It also marks progress on `<html>` for scripted checks
/// (`scripts/check-playground.sh`): `data-playground="rendered"` once GraphiQL
/// is mounted, `data-schema="loaded"` (plus `data-schema-types`, the number of
/// named types) once the introspection result built a schema, `data-schema=
/// "error"` if introspection failed, and `data-playground-error` if the page
/// could not start at all.
const PLAYGROUND_JS: &str = r"(function () {
  'use strict';
  var html = document.documentElement;
  var root = document.getElementById('graphiql');
  function fail(message) {
    html.setAttribute('data-playground-error', message);
    root.textContent = 'The GraphQL playground failed to start: ' + message;
  }
  try {
    var config = JSON.parse(document.getElementById('tradegraph-playground-config').textContent);
    if (!window.React || !window.ReactDOM || !window.GraphiQL) {
      throw new Error('its scripts did not load (React, ReactDOM or GraphiQL missing)');
    }
    // GraphiQL shows a preview of image URLs found in responses, fetching them
    // from wherever they point; the playground talks to the endpoint only.
    if (GraphiQL.React && GraphiQL.React.ImagePreview) {
      GraphiQL.React.ImagePreview.shouldRender = function () { return false; };
    }
    // No subscription URL is given: no WebSocket; subscriptions, if any, go over HTTP.
    var fetcher = GraphiQL.createFetcher({ url: config.endpoint });
    html.setAttribute('data-schema', 'loading');
    var introspectionName = 'IntrospectionQuery';
    function watchedFetcher(params, options) {
      var result = fetcher(params, options);
      if (params && params.operationName === introspectionName && result && typeof result.then === 'function') {
        result.then(function (response) {
          if (!response || !response.data || !response.data.__schema) {
            html.setAttribute('data-schema', 'error');
          }
        }, function () {
          html.setAttribute('data-schema', 'error');
        });
      }
      return result;
    }
    var props = {
      fetcher: watchedFetcher,
      defaultQuery: config.defaultQuery,
      introspectionQueryName: introspectionName,
      shouldPersistHeaders: false,
      onSchemaChange: function (schema) {
        if (!schema) { return; }
        html.setAttribute('data-schema', 'loaded');
        html.setAttribute('data-schema-types', String(Object.keys(schema.getTypeMap()).length));
      }
    };
    ReactDOM.createRoot(root).render(React.createElement(GraphiQL, props));
    html.setAttribute('data-playground', 'rendered');
  } catch (e) {
    fail(String((e && e.message) || e));
  }
})();
";

/// A 16×16 PNG (GraphQL-pink hexagon), inline so that no `/favicon.ico`
/// request goes anywhere.
const FAVICON: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQAgMAAABinRfyAAAACVBMVEUAAADhAJj///8mMc6+AAAAAXRSTlMAQObYZgAAADJJREFUeNpjYAgNZWBgDA11gBCsoaEBDKKhoSEMolFLQxhCs1aGohNgCbASsGKEXpBRAPAQEunwYIYnAAAAAElFTkSuQmCC";

/// Every file [`asset`] knows, with its content type.
const ASSETS: &[(&str, &[u8], &str)] = &[
    ("graphiql.min.js", GRAPHIQL_JS, JS),
    ("graphiql.min.css", GRAPHIQL_CSS, CSS),
    ("react.production.min.js", REACT_JS, JS),
    ("react-dom.production.min.js", REACT_DOM_JS, JS),
    ("playground.js", PLAYGROUND_JS.as_bytes(), JS),
    ("LICENSE-graphiql", LICENSE_GRAPHIQL, TEXT),
    ("LICENSE-react", LICENSE_REACT, TEXT),
    ("LICENSE-react-dom", LICENSE_REACT_DOM, TEXT),
    ("LICENSE-entities", LICENSE_ENTITIES, TEXT),
];

/// The scripts the page loads, in order.
const PAGE_SCRIPTS: &[&str] = &[
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "playground.js",
];

/// The GraphiQL page, loading its assets from `{asset_base}/…` (e.g. "/graphql/assets").
///
/// `endpoint` is where GraphiQL sends queries and its introspection query
/// (e.g. "/graphql"); `default_query` is the example shown in the editor on a
/// first visit (GraphiQL keeps the user's own tabs in localStorage after that).
/// All three are escaped, so any string is safe here. A trailing `/` on
/// `asset_base` is ignored. Same-origin (relative) `endpoint` and `asset_base`
/// are the intended use; absolute ones are allowed by the page's CSP too.
pub fn page(endpoint: &str, asset_base: &str, default_query: &str) -> String {
    let base = asset_base.trim_end_matches('/');
    let base_attr = html_attr(base);

    let mut connect_src = String::from("'self'");
    if let Some(origin) = origin_of(endpoint) {
        connect_src.push(' ');
        connect_src.push_str(&origin);
    }
    let mut asset_src = String::from("'self'");
    if let Some(origin) = origin_of(base) {
        asset_src.push(' ');
        asset_src.push_str(&origin);
    }
    let csp = format!(
        "default-src 'none'; script-src {asset_src}; style-src {asset_src} 'unsafe-inline'; \
         img-src 'self' data:; font-src {asset_src} data:; connect-src {connect_src}; \
         base-uri 'none'; form-action 'none'"
    );

    let config = format!(
        "{{\"endpoint\":{},\"defaultQuery\":{}}}",
        json_string(endpoint),
        json_string(default_query)
    );

    let mut scripts = String::new();
    for name in PAGE_SCRIPTS {
        // Writing to a String cannot fail.
        let _ = writeln!(scripts, "    <script src=\"{base_attr}/{name}\"></script>");
    }

    format!(
        r#"<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta http-equiv="Content-Security-Policy" content="{csp}">
    <meta name="referrer" content="no-referrer">
    <title>{title}</title>
    <link rel="icon" type="image/png" href="{FAVICON}">
    <link rel="stylesheet" href="{base_attr}/graphiql.min.css">
    <style>
      html, body {{ height: 100%; margin: 0; overflow: hidden; }}
      #graphiql {{ height: 100vh; }}
      #graphiql > .playground-loading {{ font: 16px system-ui, sans-serif; padding: 2em; color: #555; }}
    </style>
  </head>
  <body>
    <div id="graphiql"><div class="playground-loading">Loading the GraphQL playground…</div></div>
    <noscript>The GraphQL playground (GraphiQL) needs JavaScript.</noscript>
    <script id="tradegraph-playground-config" type="application/json">{config}</script>
{scripts}  </body>
</html>
"#,
        csp = html_attr(&csp),
        title = html_text(TITLE),
    )
}

/// An embedded asset by file name: its bytes and content type. None if unknown.
pub fn asset(name: &str) -> Option<(&'static [u8], &'static str)> {
    ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(_, bytes, content_type)| (bytes, content_type))
}

/// `s` as a JSON string literal that is also safe inside an HTML `<script>`
/// element: `<`, `>`, `&` and the JS line separators U+2028/U+2029 are
/// `\u`-escaped, so the text can never contain `</script`, `<!--` or `]]>`.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `\u` escapes: `<`, `>`, `&`, the JS line separators, control characters.
            c if matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}') || (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` escaped for a double-quoted HTML attribute value.
fn html_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` escaped for HTML text content.
fn html_text(s: &str) -> String {
    html_attr(s)
}

/// The origin of an absolute (`http(s)://host[:port]/…`) or scheme-relative
/// (`//host/…`) URL, as a CSP source expression; `None` for a path, or when
/// the host part has characters that do not belong in one (so nothing can be
/// smuggled into the policy).
fn origin_of(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let (scheme, rest) = if lower.starts_with("https://") {
        ("https://", &url[8..])
    } else if lower.starts_with("http://") {
        ("http://", &url[7..])
    } else if let Some(rest) = url.strip_prefix("//") {
        ("", rest)
    } else {
        return None;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then(|| format!("{scheme}{}", host.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "# An example\nquery Example {\n  __typename\n}\n";

    /// Decodes one JSON string literal (as produced by `json_string`).
    fn json_unescape(lit: &str) -> String {
        let inner = lit
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .expect("a JSON string literal");
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                assert!(c != '"' && (c as u32) >= 0x20, "unescaped {c:?} in {lit}");
                out.push(c);
                continue;
            }
            match chars.next().expect("escape") {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '/' => out.push('/'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let code = u32::from_str_radix(&hex, 16).expect("hex");
                    out.push(char::from_u32(code).expect("BMP scalar"));
                }
                other => panic!("bad escape \\{other}"),
            }
        }
        out
    }

    /// The text of the config `<script>` block.
    fn config_block(page: &str) -> &str {
        let open = "<script id=\"tradegraph-playground-config\" type=\"application/json\">";
        let start = page.find(open).expect("config block") + open.len();
        let len = page[start..]
            .find("</script>")
            .expect("end of config block");
        &page[start..start + len]
    }

    /// The value of `"key":` in the flat config object (values are strings).
    fn config_value(page: &str, key: &str) -> String {
        let block = config_block(page);
        let tag = format!("\"{key}\":");
        let start = block.find(&tag).expect("key") + tag.len();
        // The literal ends at the first '"' not preceded by a backslash escape.
        let bytes = block.as_bytes();
        let mut i = start + 1;
        while bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        json_unescape(&block[start..=i])
    }

    /// The content of the page's CSP meta element (still HTML-escaped).
    fn csp_of(html: &str) -> &str {
        let tag = "<meta http-equiv=\"Content-Security-Policy\" content=\"";
        let start = html.find(tag).expect("CSP meta") + tag.len();
        let len = html[start..].find('"').expect("end of CSP");
        &html[start..start + len]
    }

    /// Every `src="…"` and `href="…"` value in the page.
    fn urls(page: &str) -> Vec<String> {
        let mut found = Vec::new();
        for attr in ["src=\"", "href=\""] {
            let mut rest = page;
            while let Some(i) = rest.find(attr) {
                rest = &rest[i + attr.len()..];
                let end = rest.find('"').expect("closing quote");
                found.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
        found
    }

    #[test]
    fn page_has_title_endpoint_and_example_query() {
        let html = page("/graphql", "/graphql/assets", EXAMPLE);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>tradegraph — GraphQL playground</title>"));
        assert_eq!(config_value(&html, "endpoint"), "/graphql");
        assert_eq!(config_value(&html, "defaultQuery"), EXAMPLE);
        assert!(
            html.contains(r##""defaultQuery":"# An example\nquery Example {\n  __typename\n}\n""##)
        );
    }

    #[test]
    fn hostile_query_cannot_break_out_of_the_script_block() {
        let evil =
            "</script><script>alert(1)</script><!-- \" ' \\ & > \u{2028}\u{2029} \u{1} é 📈 ]]>";
        let html = page("/graphql", "/graphql/assets", evil);
        // The only "</script" in the page close the page's own script elements.
        assert_eq!(html.matches("</script").count(), 1 + PAGE_SCRIPTS.len());
        assert!(!html.contains("<script>alert"));
        let block = config_block(&html);
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}', '\u{1}'] {
            assert!(!block.contains(bad), "{bad:?} left raw in {block}");
        }
        assert_eq!(config_value(&html, "defaultQuery"), evil);
    }

    #[test]
    fn hostile_endpoint_and_base_are_escaped() {
        let endpoint = "/g\"raph</script>ql";
        let base = "/a\"sset<s>";
        let html = page(endpoint, base, EXAMPLE);
        assert_eq!(config_value(&html, "endpoint"), endpoint);
        assert!(html.contains("src=\"/a&quot;sset&lt;s&gt;/graphiql.min.js\""));
        assert!(!html.contains("/a\"sset"));
        assert_eq!(html.matches("</script").count(), 1 + PAGE_SCRIPTS.len());
    }

    #[test]
    fn page_references_only_asset_base_and_data_urls() {
        for base in ["/graphql/assets", "/graphql/assets/"] {
            let html = page("/graphql", base, EXAMPLE);
            assert!(!html.contains("http://"), "page names an http URL");
            assert!(!html.contains("https://"), "page names an https URL");
            assert!(
                !html.contains("//cdn") && !html.contains("unpkg") && !html.contains("jsdelivr")
            );
            let urls = urls(&html);
            assert_eq!(urls.len(), PAGE_SCRIPTS.len() + 2, "{urls:?}"); // + favicon + stylesheet
            for url in urls {
                if url.starts_with("data:image/png;base64,") {
                    continue;
                }
                let name = url
                    .strip_prefix("/graphql/assets/")
                    .unwrap_or_else(|| panic!("{url} is not under the asset base"));
                let (bytes, content_type) =
                    asset(name).unwrap_or_else(|| panic!("{name} is referenced but not served"));
                assert!(!bytes.is_empty(), "{name} is empty");
                assert!(
                    content_type.starts_with("text/javascript")
                        || content_type.starts_with("text/css"),
                    "{name}: {content_type}"
                );
            }
        }
    }

    #[test]
    fn page_has_strict_csp_and_inline_favicon() {
        let html = page("/graphql", "/graphql/assets", EXAMPLE);
        assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;; script-src &#39;self&#39;;"));
        assert!(html.contains("connect-src &#39;self&#39;; "));
        assert!(
            html.contains(
                "<link rel=\"icon\" type=\"image/png\" href=\"data:image/png;base64,iVBOR"
            )
        );
        // No inline script: the only <script> without src is the JSON data block.
        assert_eq!(html.matches("<script>").count(), 0);
        assert_eq!(html.matches("<script ").count(), 1 + PAGE_SCRIPTS.len());
    }

    #[test]
    fn absolute_endpoint_is_allowed_by_the_csp_and_cannot_inject_into_it() {
        let html = page("https://API.example.com:8443/graphql?x=1", "/a", EXAMPLE);
        assert!(html.contains("connect-src &#39;self&#39; https://api.example.com:8443; "));
        let html = page("http://evil; script-src *;/graphql", "/a", EXAMPLE);
        let csp = csp_of(&html);
        assert!(csp.contains("connect-src &#39;self&#39;; "), "{csp}");
        assert!(
            !csp.contains("evil") && !csp.contains("script-src *"),
            "{csp}"
        );
        assert_eq!(origin_of("/graphql"), None);
        assert_eq!(origin_of("//h.test/x"), Some("h.test".into()));
        assert_eq!(
            origin_of("http://[::1]:8080/graphql"),
            Some("http://[::1]:8080".into())
        );
    }

    #[test]
    fn assets_are_served_with_types() {
        let (js, ty) = asset("graphiql.min.js").unwrap();
        assert_eq!(ty, "text/javascript; charset=utf-8");
        assert!(js.len() > 1_000_000);
        assert!(
            std::str::from_utf8(js)
                .unwrap()
                .contains("window.GraphiQL =")
        );
        let (css, ty) = asset("graphiql.min.css").unwrap();
        assert_eq!(ty, "text/css; charset=utf-8");
        assert!(
            std::str::from_utf8(css)
                .unwrap()
                .contains(".graphiql-container")
        );
        let (react, _) = asset("react.production.min.js").unwrap();
        assert!(std::str::from_utf8(react).unwrap().contains("\"18.3.1\""));
        let (dom, _) = asset("react-dom.production.min.js").unwrap();
        assert!(std::str::from_utf8(dom).unwrap().contains("\"18.3.1\""));
        let (init, _) = asset("playground.js").unwrap();
        assert!(
            std::str::from_utf8(init)
                .unwrap()
                .contains("tradegraph-playground-config")
        );
        for licence in [
            "LICENSE-graphiql",
            "LICENSE-react",
            "LICENSE-react-dom",
            "LICENSE-entities",
        ] {
            let (text, ty) = asset(licence).unwrap();
            assert_eq!(ty, "text/plain; charset=utf-8");
            assert!(!text.is_empty());
        }
    }

    #[test]
    fn unknown_assets_are_none() {
        for name in [
            "",
            "nope.js",
            "../Cargo.toml",
            "/graphiql.min.js",
            "graphiql.min.js.map",
            "README.md",
            "SHA256SUMS",
        ] {
            assert!(asset(name).is_none(), "{name:?}");
        }
    }

    #[test]
    fn bootstrap_script_needs_no_network_but_the_endpoint() {
        assert!(!PLAYGROUND_JS.contains("http"));
        assert!(!PLAYGROUND_JS.contains("subscriptionUrl:"));
        assert!(
            PLAYGROUND_JS.contains("ImagePreview.shouldRender = function () { return false; }")
        );
    }
}

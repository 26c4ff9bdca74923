//! The service over real HTTP: each test starts it on 127.0.0.1 with an ephemeral port and calls
//! it with reqwest. Expected answers come from the library called in-process, never from
//! hard-coded output.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hcc_pathways::{recommend_with, Case, Policy};
use hcc_pathways_service::{cds, serve, Config};
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;

const LIMIT: usize = hcc_pathways_service::DEFAULT_BODY_LIMIT;

/// A running service; dropped, it shuts down.
struct Server {
    base: String,
    addr: std::net::SocketAddr,
    client: reqwest::Client,
    _stop: oneshot::Sender<()>,
}

async fn start() -> Server {
    start_with(Config::default()).await
}

async fn start_with(config: Config) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
        };
        serve(listener, config, shutdown).await.expect("serve");
    });
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    Server {
        base: format!("http://{addr}"),
        addr,
        client,
        _stop: stop,
    }
}

impl Server {
    async fn post(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> (StatusCode, String, Value) {
        let mut req = self.client.post(format!("{}{path}", self.base)).body(body);
        if let Some(ct) = content_type {
            req = req.header(CONTENT_TYPE, ct);
        }
        read(req.send().await.expect("request")).await
    }

    async fn post_json(&self, path: &str, body: &Value) -> (StatusCode, String, Value) {
        self.post(
            path,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
        .await
    }

    async fn get(&self, path: &str) -> (StatusCode, String, Value) {
        let resp = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request");
        read(resp).await
    }
}

async fn read(resp: reqwest::Response) -> (StatusCode, String, Value) {
    let status = resp.status();
    let ct = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = resp.bytes().await.expect("body");
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, ct, value)
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every bundled case: (file name, JSON text).
fn bundled_cases() -> Vec<(String, String)> {
    let mut cases: Vec<(String, String)> = std::fs::read_dir(repo().join("examples/cases"))
        .expect("examples/cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, std::fs::read_to_string(&p).expect("case file"))
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 19, "bundled cases found: {}", cases.len());
    cases
}

/// What the library answers, as the JSON the service should send.
fn expected(case: &str, policy: &Policy) -> Value {
    let case = Case::from_json(case).expect("bundled case parses");
    serde_json::to_value(recommend_with(&case, policy).expect("recommends")).expect("serialises")
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).expect("schema compiles")
}

fn schema_file(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("schema file")).expect("schema JSON")
}

/// Checks a problem answer: status, media type, the error schema, and the field and reason.
fn assert_problem(
    got: &(StatusCode, String, Value),
    status: u16,
    field: Option<&str>,
    reason: Option<&str>,
) {
    let (s, ct, body) = got;
    assert_eq!(s.as_u16(), status, "{body}");
    assert_eq!(ct, "application/problem+json", "{body}");
    let errors = validator(&schema_file("schemas/problem.schema.json"));
    assert!(errors.is_valid(body), "not a valid problem: {body}");
    assert_eq!(body["status"], status);
    assert_eq!(body["field"].as_str(), field, "{body}");
    assert_eq!(body["reason"].as_str(), reason, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bundled_case_gets_the_library_recommendation() {
    let server = start().await;
    let schema = server.get("/schemas/recommendation").await;
    assert_eq!(schema.0, StatusCode::OK);
    let recommendation = validator(&schema.2);
    for (name, text) in bundled_cases() {
        let case: Value = serde_json::from_str(&text).expect("JSON");
        let (status, ct, body) = server
            .post_json("/recommend", &json!({ "case": case }))
            .await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        assert_eq!(ct, "application/json", "{name}");
        assert_eq!(body, expected(&text, &Policy::default()), "{name}");
        assert!(
            recommendation.is_valid(&body),
            "{name}: output fails the schema"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_in_the_request_or_the_config_applies() {
    let text =
        std::fs::read_to_string(repo().join("examples/cases/r7_child_pugh_7_multinodular.json"))
            .expect("case");
    let policy_text =
        std::fs::read_to_string(repo().join("examples/policies/admit_child_pugh_7.json"))
            .expect("policy");
    let policy = Policy::from_json(&policy_text).expect("policy parses");
    let case: Value = serde_json::from_str(&text).expect("JSON");
    let policy_json: Value = serde_json::from_str(&policy_text).expect("JSON");

    let server = start().await;
    let default = server.post_json("/recommend", &json!({"case": case})).await;
    let custom = server
        .post_json("/recommend", &json!({"case": case, "policy": policy_json}))
        .await;
    let null = server
        .post_json("/recommend", &json!({"case": case, "policy": null}))
        .await;
    assert_eq!(default.2, expected(&text, &Policy::default()));
    assert_eq!(custom.2, expected(&text, &policy));
    assert_eq!(null.2, default.2);
    assert_ne!(
        default.2["pathway"], custom.2["pathway"],
        "the policy changes this case"
    );

    // A service started with the centre's policy uses it when the request has none.
    let centre = start_with(Config {
        policy: Policy::from_json(&policy_text).expect("policy parses"),
        ..Config::default()
    })
    .await;
    assert_eq!(
        centre
            .post_json("/recommend", &json!({"case": case}))
            .await
            .2,
        custom.2
    );

    // (A service cannot be configured with an invalid policy: a `Policy` is valid by
    // construction, and `main` reads the centre's file with `Policy::from_json`.)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_problem_details_naming_the_field() {
    let server = start().await;
    let case: Value = serde_json::from_str(&bundled_cases()[0].1).expect("JSON");

    // Not JSON at all, and truncated JSON.
    let got = server
        .post(
            "/recommend",
            Some("application/json"),
            b"{\"case\": ".to_vec(),
        )
        .await;
    assert_problem(&got, 422, Some(""), Some("syntax"));
    let got = server
        .post("/recommend", Some("application/json"), b"nonsense".to_vec())
        .await;
    assert_problem(&got, 422, Some(""), Some("syntax"));
    let got = server
        .post("/recommend", Some("application/json"), vec![0xff, 0xfe])
        .await;
    assert_problem(&got, 422, Some(""), Some("syntax"));
    // Not an object.
    let got = server.post_json("/recommend", &json!([1, 2])).await;
    assert_problem(&got, 422, Some(""), Some("invalid_value"));
    // The envelope: unknown member, missing case, duplicate case.
    let got = server
        .post_json("/recommend", &json!({"case": case, "patient": 1}))
        .await;
    assert_problem(&got, 422, Some("patient"), Some("unknown_field"));
    let got = server.post_json("/recommend", &json!({"policy": {}})).await;
    assert_problem(&got, 422, Some("case"), Some("missing"));
    let dup = format!("{{\"case\": {case}, \"case\": {case}}}");
    let got = server
        .post("/recommend", Some("application/json"), dup.into_bytes())
        .await;
    assert_problem(&got, 422, Some("case"), Some("duplicate"));

    // Inside the case and the policy: the library's path, under `case.` or `policy.`.
    let mut unknown = case.clone();
    unknown["liver_function"]["platelets"] = json!(120);
    let got = server
        .post_json("/recommend", &json!({"case": unknown}))
        .await;
    assert_problem(
        &got,
        422,
        Some("case.liver_function.platelets"),
        Some("unknown_field"),
    );
    let mut range = case.clone();
    range["performance_status"]["ecog"] = json!(7);
    let got = server
        .post_json("/recommend", &json!({"case": range}))
        .await;
    assert_problem(
        &got,
        422,
        Some("case.performance_status.ecog"),
        Some("out_of_range"),
    );
    let mut missing = case.clone();
    missing.as_object_mut().map(|o| o.remove("history"));
    let got = server
        .post_json("/recommend", &json!({"case": missing}))
        .await;
    assert_problem(&got, 422, Some("case.history"), Some("missing"));
    let got = server
        .post_json(
            "/recommend",
            &json!({"case": case, "policy": {"no_such_threshold": 1}}),
        )
        .await;
    assert_problem(
        &got,
        422,
        Some("policy.no_such_threshold"),
        Some("unknown_field"),
    );
    let got = server.post_json("/recommend", &json!({"case": 5})).await;
    assert_eq!(
        got.2["field"].as_str().map(|f| f.starts_with("case")),
        Some(true),
        "{}",
        got.2
    );
    assert_eq!(got.0.as_u16(), 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_text_is_bounded_and_escapes_control_characters() {
    let server = start().await;
    let case: Value = serde_json::from_str(&bundled_cases()[0].1).expect("JSON");
    let name = format!("\u{1b}[31mred\u{7}{}", "x".repeat(100_000));
    let mut body = json!({"case": case});
    body[&name] = json!(1);
    let got = server.post_json("/recommend", &body).await;
    assert_problem(&got, 422, got.2["field"].as_str(), Some("unknown_field"));
    for key in ["detail", "field"] {
        let text = got.2[key].as_str().expect("text");
        assert!(
            !text.chars().any(char::is_control),
            "{key} has a control character"
        );
        assert!(
            text.chars().count() <= hcc_pathways_service::problem::MAX_DETAIL + 1,
            "{key} is {} characters",
            text.len()
        );
        assert!(
            text.contains("\\u{1b}"),
            "{key} shows the escape: {text:.60}"
        );
    }
}

/// Sends `head` and then `chunks` blocks of 64 KiB of spaces (chunk-encoded or raw), stops
/// sending once the server has answered, and returns the response text.
async fn raw_exchange(
    addr: std::net::SocketAddr,
    head: &str,
    chunks: usize,
    chunked: bool,
) -> String {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("head");
    let block = vec![b' '; 64 * 1024];
    for _ in 0..chunks {
        let mut frame = Vec::with_capacity(block.len() + 16);
        if chunked {
            frame.extend_from_slice(format!("{:x}\r\n", block.len()).as_bytes());
        }
        frame.extend_from_slice(&block);
        if chunked {
            frame.extend_from_slice(b"\r\n");
        }
        if stream.write_all(&frame).await.is_err() {
            break; // the server answered and closed
        }
    }
    if chunked {
        let _ = stream.write_all(b"0\r\n\r\n").await;
    }
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_get_413_and_wrong_media_types_415() {
    let server = start().await;
    // Declared length over the limit: refused before the body is read.
    let head = format!(
        "POST /recommend HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        LIMIT + 1
    );
    let text = raw_exchange(server.addr, &head, 1, false).await;
    assert!(text.starts_with("HTTP/1.1 413"), "{text:.200}");
    assert!(text.contains("application/problem+json"), "{text:.400}");
    // Exactly at the limit is read (and is then not a valid case).
    let pad = LIMIT - "{\"case\": \"\"}".len();
    let at_limit = format!("{{\"case\": \"{}\"}}", "x".repeat(pad));
    assert_eq!(at_limit.len(), LIMIT);
    let got = server
        .post(
            "/recommend",
            Some("application/json"),
            at_limit.into_bytes(),
        )
        .await;
    assert_eq!(got.0.as_u16(), 422, "{}", got.2);
    // Chunked, with no declared length: cut off while reading.
    let head = "POST /recommend HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
                Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    let text = raw_exchange(server.addr, head, 8, true).await;
    assert!(text.starts_with("HTTP/1.1 413"), "{text:.200}");
    assert!(text.contains("application/problem+json"), "{text:.400}");

    let body = b"{\"case\": {}}".to_vec();
    let got = server
        .post("/recommend", Some("text/plain"), body.clone())
        .await;
    assert_problem(&got, 415, None, None);
    let got = server.post("/recommend", None, body.clone()).await;
    assert_problem(&got, 415, None, None);
    let got = server
        .post("/recommend", Some("application/json; charset=utf-8"), body)
        .await;
    assert_eq!(
        got.0.as_u16(),
        422,
        "parameters on application/json are fine: {}",
        got.2
    );
    let got = server
        .post(
            &format!("/cds-services/{}", cds::SERVICE_ID),
            Some("application/xml"),
            b"<a/>".to_vec(),
        )
        .await;
    assert_problem(&got, 415, None, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemas_health_and_unknown_routes() {
    let server = start().await;
    let lib = [
        ("case", hcc_pathways::schema::case_schema()),
        ("policy", hcc_pathways::schema::policy_schema()),
        (
            "recommendation",
            hcc_pathways::schema::recommendation_schema(),
        ),
        ("error", schema_file("schemas/problem.schema.json")),
    ];
    for (name, schema) in lib {
        let (status, ct, body) = server.get(&format!("/schemas/{name}")).await;
        assert_eq!(
            (status, ct.as_str()),
            (StatusCode::OK, "application/schema+json"),
            "{name}"
        );
        assert_eq!(body, schema, "{name}");
        validator(&body); // each compiles as draft 2020-12
    }
    let got = server.get("/schemas/nope").await;
    assert_problem(&got, 404, None, None);
    let (status, _, health) = server.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["schema_version"],
        hcc_pathways::schema::SCHEMA_VERSION
    );
    assert_problem(&server.get("/nowhere").await, 404, None, None);
    assert_problem(&server.get("/recommend").await, 405, None, None);
    let got = server.post_json("/healthz", &json!({})).await;
    assert_problem(&got, 405, None, None);
}

// ---- CDS Hooks ---------------------------------------------------------------------------

#[cfg(feature = "fhir")]
fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cds")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("fixture JSON")
}

fn card_schema() -> jsonschema::Validator {
    validator(&schema_file("tests/schemas/cds-hooks-response.schema.json"))
}

#[cfg(feature = "fhir")]
/// Checks one hook answer against the library's recommendation for the full case.
fn assert_card(response: &Value, full_case: &str, context: &str) {
    assert!(
        card_schema().is_valid(response),
        "{context}: not a CDS Hooks response: {response}"
    );
    let cards = response["cards"].as_array().expect("cards");
    assert_eq!(cards.len(), 1, "{context}");
    let card = &cards[0];
    let rec = expected(full_case, &Policy::default());
    let pathway_id = rec["pathway"].as_str().expect("pathway id");
    let case = Case::from_json(full_case).expect("case");
    let lib = recommend_with(&case, &Policy::default()).expect("recommends");
    let label = lib.pathway.label();
    let summary = card["summary"].as_str().expect("summary");
    assert!(
        summary.contains(label),
        "{context}: `{summary}` names {label}"
    );
    assert!(summary.chars().count() <= cds::MAX_SUMMARY);
    let indicator = if lib.cautions.is_empty() {
        "info"
    } else {
        "warning"
    };
    assert_eq!(card["indicator"], indicator, "{context}");
    assert_eq!(card["source"]["topic"]["code"], pathway_id, "{context}");
    let first = lib.sources.first().expect("a source");
    let source_label = card["source"]["label"].as_str().expect("label");
    assert!(
        source_label.contains(first.key()),
        "{context}: {source_label}"
    );
    let detail = card["detail"].as_str().expect("detail");
    assert!(
        detail.contains(first.citation()),
        "{context}: the reference"
    );
    assert!(detail.contains(lib.reason.as_ref()), "{context}: the why");
    for o in &lib.options {
        assert!(detail.contains(o.name()), "{context}: option {}", o.name());
    }
    for c in &lib.cautions {
        assert!(
            detail.contains(c.text.as_ref()),
            "{context}: caution {}",
            c.id
        );
    }
    assert!(
        detail.contains(lib.mdt_statement.as_ref()),
        "{context}: MDT statement"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_follows_the_cds_hooks_shape() {
    let server = start().await;
    let (status, ct, body) = server.get("/cds-services").await;
    assert_eq!((status, ct.as_str()), (StatusCode::OK, "application/json"));
    let discovery = validator(&schema_file(
        "tests/schemas/cds-hooks-discovery.schema.json",
    ));
    assert!(discovery.is_valid(&body), "{body}");
    assert_eq!(body["services"][0]["id"], cds::SERVICE_ID);
    assert_eq!(body["services"][0]["hook"], "patient-view");
    // The schema rejects what the specification forbids, so a pass means something.
    assert!(!discovery.is_valid(&json!({"services": [{"hook": "patient-view", "id": "x"}]})));
    let bad_card = json!({"cards": [{"summary": "x".repeat(141), "indicator": "info", "source": {"label": "s"}}]});
    assert!(!card_schema().is_valid(&bad_card));
    let bad_indicator =
        json!({"cards": [{"summary": "s", "indicator": "urgent", "source": {"label": "s"}}]});
    assert!(!card_schema().is_valid(&bad_indicator));
    assert!(!card_schema().is_valid(&json!({"cards": [{"summary": "s", "indicator": "info"}]})));
}

#[cfg(feature = "fhir")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cds_hooks_round_trip_on_the_bundled_fhir_fixtures() {
    let server = start().await;
    let path = format!("/cds-services/{}", cds::SERVICE_ID);
    for (fixture_name, case_file) in [
        (
            "r5_single_small_nodule.hook.json",
            "r5_single_small_nodule.json",
        ),
        (
            "r3_first_line_ecog_2_transplant_recipient.hook.json",
            "r3_first_line_ecog_2_transplant_recipient.json",
        ),
    ] {
        let full =
            std::fs::read_to_string(repo().join("examples/cases").join(case_file)).expect("case");
        let (status, ct, body) = server.post_json(&path, &fixture(fixture_name)).await;
        assert_eq!(
            (status, ct.as_str()),
            (StatusCode::OK, "application/json"),
            "{body}"
        );
        assert_card(&body, &full, fixture_name);
    }
}

#[cfg(feature = "fhir")]
/// Splits a case into the partial case and prefetched Observations carrying its labs and ECOG.
fn as_hook_request(case: &Value) -> Value {
    let mut partial = case.clone();
    let mut prefetch = serde_json::Map::new();
    let obs = |id: &str, code: &str, value: Value| {
        let mut o = json!({"resourceType": "Observation", "id": id, "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": code}]}});
        if let (Some(o), Value::Object(v)) = (o.as_object_mut(), value) {
            o.extend(v);
        }
        json!({"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": o}]})
    };
    let ucum = |unit: &str| match unit {
        "mg_dl" => "mg/dL",
        "umol_l" => "umol/L",
        "g_dl" => "g/dL",
        _ => "g/L",
    };
    let quantity = |v: &Value, code: &str| json!({"valueQuantity": {"value": v, "system": "http://unitsofmeasure.org", "code": code}});
    let lf = partial["liver_function"]
        .as_object_mut()
        .expect("liver_function");
    for (key, loinc) in [("bilirubin", "1975-2"), ("albumin", "1751-7")] {
        if let Some(q) = lf.remove(key) {
            let unit = ucum(q["unit"].as_str().expect("unit"));
            prefetch.insert(key.into(), obs(key, loinc, quantity(&q["value"], unit)));
        }
    }
    if let Some(inr) = lf.remove("inr") {
        prefetch.insert("inr".into(), obs("inr", "6301-6", quantity(&inr, "{INR}")));
    }
    let rec = partial["recurrence"].as_object_mut().expect("recurrence");
    if let Some(afp) = rec.remove("afp_ng_ml") {
        prefetch.insert("afp".into(), obs("afp", "1834-1", quantity(&afp, "ng/mL")));
    }
    let ps = partial["performance_status"]
        .as_object_mut()
        .expect("performance_status");
    if let Some(ecog) = ps.remove("ecog") {
        prefetch.insert(
            "ecog".into(),
            obs("ecog", "89247-1", json!({"valueInteger": ecog})),
        );
    }
    json!({"hook": "patient-view", "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/example", "patientId": "example"},
        "prefetch": prefetch, "extension": {"hcc-pathways.case": partial}})
}

#[cfg(feature = "fhir")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cds_hooks_round_trip_for_every_bundled_case() {
    let server = start().await;
    let path = format!("/cds-services/{}", cds::SERVICE_ID);
    let mut warnings = 0;
    for (name, text) in bundled_cases() {
        let case: Value = serde_json::from_str(&text).expect("JSON");
        let (status, _, body) = server.post_json(&path, &as_hook_request(&case)).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
        assert_card(&body, &text, &name);
        warnings += usize::from(body["cards"][0]["indicator"] == "warning");
    }
    assert!(warnings > 0, "some bundled case has a caution");
}

#[cfg(feature = "fhir")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cds_hooks_errors_name_the_fhir_element_or_the_case_field() {
    let server = start().await;
    let path = format!("/cds-services/{}", cds::SERVICE_ID);
    let base = fixture("r5_single_small_nodule.hook.json");

    // An observation in an unknown unit: the error names it.
    let mut req = base.clone();
    req["prefetch"]["bilirubin"]["entry"][0]["resource"]["valueQuantity"]["code"] = json!("mg/L");
    let got = server.post_json(&path, &req).await;
    assert_problem(
        &got,
        422,
        Some("prefetch.bilirubin.entry[0].resource.valueQuantity.code"),
        Some("unknown_unit"),
    );
    let detail = got.2["detail"].as_str().expect("detail");
    assert!(
        detail.contains("Observation/bili-1") && detail.contains("1975-2"),
        "{detail}"
    );

    // An observation the service does not map.
    let mut req = base.clone();
    req["prefetch"]["albumin"]["entry"][0]["resource"]["code"]["coding"][0]["code"] =
        json!("2885-2");
    let got = server.post_json(&path, &req).await;
    assert_problem(
        &got,
        422,
        Some("prefetch.albumin.entry[0].resource.code"),
        Some("unknown_code"),
    );

    // A fact given differently by the case and by FHIR.
    let mut req = base.clone();
    req["extension"]["hcc-pathways.case"]["performance_status"]["ecog"] = json!(2);
    let got = server.post_json(&path, &req).await;
    assert_problem(
        &got,
        422,
        Some("extension.hcc-pathways.case.performance_status.ecog"),
        Some("conflict"),
    );

    // A value from FHIR the library rejects: the field is the observation.
    let mut req = base.clone();
    req["prefetch"]["ecog"]["entry"][0]["resource"]["valueInteger"] = json!(5);
    let got = server.post_json(&path, &req).await;
    assert_problem(
        &got,
        422,
        Some("prefetch.ecog.entry[0].resource"),
        Some("out_of_range"),
    );

    // A fact missing from both: the field is its place in the partial case.
    let mut req = base.clone();
    req["prefetch"].as_object_mut().map(|p| p.remove("albumin"));
    let got = server.post_json(&path, &req).await;
    let field = got.2["field"].as_str().unwrap_or_default().to_owned();
    assert!(
        field.starts_with("extension.hcc-pathways.case.liver_function"),
        "{}",
        got.2
    );
    assert_eq!(got.0.as_u16(), 422);

    // The hook envelope.
    let mut req = base.clone();
    req["hook"] = json!("order-sign");
    assert_problem(
        &server.post_json(&path, &req).await,
        422,
        Some("hook"),
        Some("invalid_value"),
    );
    let mut req = base.clone();
    req.as_object_mut().map(|o| o.remove("hookInstance"));
    assert_problem(
        &server.post_json(&path, &req).await,
        422,
        Some("hookInstance"),
        Some("missing"),
    );
    let mut req = base.clone();
    req["context"]
        .as_object_mut()
        .map(|o| o.remove("patientId"));
    assert_problem(
        &server.post_json(&path, &req).await,
        422,
        Some("context.patientId"),
        Some("missing"),
    );
    let mut req = base.clone();
    req["extension"]["hcc-pathways.policy"] = json!({"bogus": 1});
    assert_problem(
        &server.post_json(&path, &req).await,
        422,
        Some("extension.hcc-pathways.policy.bogus"),
        Some("unknown_field"),
    );
    let got = server
        .post(&path, Some("application/json"), b"{".to_vec())
        .await;
    assert_problem(&got, 422, Some(""), Some("syntax"));
}

/// The most requests in flight, from the soft limit on open files: each in-process request
/// holds two descriptors (client and server side).
fn max_in_flight() -> usize {
    let limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|n| n.parse::<usize>().ok())
        })
        .unwrap_or(1024);
    (limit.saturating_sub(64) / 2).clamp(16, 1000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_all_answered_correctly() {
    const N: usize = 1000;
    let server = Arc::new(start().await);
    let cases: Arc<Vec<(Value, Value)>> = Arc::new(
        bundled_cases()
            .into_iter()
            .map(|(_, text)| {
                let case: Value = serde_json::from_str(&text).expect("JSON");
                (json!({"case": case}), expected(&text, &Policy::default()))
            })
            .collect(),
    );
    let gate = Arc::new(tokio::sync::Semaphore::new(max_in_flight()));
    let started = std::time::Instant::now();
    let tasks: Vec<_> = (0..N)
        .map(|i| {
            let (server, cases, gate) = (server.clone(), cases.clone(), gate.clone());
            tokio::spawn(async move {
                let _permit = gate.acquire_owned().await.expect("semaphore");
                let (body, want) = &cases[i % cases.len()];
                let (status, _, got) = server.post_json("/recommend", body).await;
                status == StatusCode::OK && &got == want
            })
        })
        .collect();
    let all = tokio::time::timeout(Duration::from_secs(120), async {
        let mut correct = 0;
        for t in tasks {
            correct += usize::from(t.await.expect("task"));
        }
        correct
    })
    .await
    .expect("1,000 requests finish within 120 s");
    assert_eq!(all, N, "every answer is correct");
    eprintln!("{N} concurrent requests in {:?}", started.elapsed());
}

/// A case with several errors: one 422 naming the first, and every error in `errors`, each in
/// the library's shape with its path in the request body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_of_a_case_in_one_answer() {
    let server = start().await;
    let mut case: Value = serde_json::from_str(&bundled_cases()[0].1).expect("JSON");
    case["performance_status"]["ecog"] = json!(9);
    case["goals_of_care"] = json!("cure");
    case["history"]["procedures"] = json!(["sbrt"]);
    // In document order (`json!` writes keys sorted).
    let got = server.post_json("/recommend", &json!({"case": case})).await;
    assert_problem(&got, 422, Some("case.goals_of_care"), Some("invalid_value"));
    let errors = got.2["errors"].as_array().expect("errors");
    let listed: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("?"),
                e["reason"].as_str().unwrap_or("?"),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("case.goals_of_care", "invalid_value"),
            ("case.history.procedures[0]", "invalid_value"),
            ("case.performance_status.ecog", "out_of_range"),
        ]
    );
    for e in errors {
        assert_eq!(e["status"], 422, "{e}");
        assert_eq!(e["type"], "urn:hcc-pathways:problem:invalid-input", "{e}");
    }
    // A policy's errors too.
    let got = server
        .post_json(
            "/recommend",
            &json!({"case": serde_json::from_str::<Value>(&bundled_cases()[0].1).unwrap(),
                    "policy": {"terminal_min_ecog": 9, "nope": 1}}),
        )
        .await;
    assert_problem(&got, 422, Some("policy.nope"), Some("unknown_field"));
    assert_eq!(
        got.2["errors"].as_array().map(Vec::len),
        Some(2),
        "{}",
        got.2
    );
}

/// The service's problem schema describes the library's problem documents: every member the
/// library writes is one of its own, with every type and reason code the library's schema
/// lists, and the library's documents (with a status) validate.
#[test]
fn the_service_problem_schema_covers_the_librarys() {
    let service = schema_file("schemas/problem.schema.json");
    let library = hcc_pathways::schema::error_schema();
    let codes = |def: &str| -> Vec<Value> {
        library["$defs"][def]["oneOf"]
            .as_array()
            .expect("oneOf")
            .iter()
            .map(|v| v["const"].clone())
            .collect()
    };
    let enum_of = |member: &str| {
        service["properties"][member]["enum"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    for code in codes("ReasonCode") {
        assert!(
            enum_of("reason").contains(&code),
            "the service schema lacks reason {code}"
        );
    }
    for kind in codes("ProblemType") {
        assert!(
            enum_of("type").contains(&kind),
            "the service schema lacks type {kind}"
        );
    }
    for member in library["properties"]
        .as_object()
        .expect("properties")
        .keys()
    {
        assert!(
            service["properties"].get(member).is_some(),
            "the service schema lacks `{member}`"
        );
    }
    for (member, limit) in [("detail", "maxLength"), ("field", "maxLength")] {
        assert_eq!(
            service["properties"][member][limit], library["properties"][member][limit],
            "{member}"
        );
    }
    let check = validator(&service);
    let err = hcc_pathways::Case::from_json_all(r#"{"performance_status": {"ecog": 9}}"#)
        .expect_err("invalid");
    let p = hcc_pathways_service::Problem::from_library_all(&err, "case");
    let doc = serde_json::to_value(&p).expect("JSON");
    assert!(check.is_valid(&doc), "{doc:#}");
    assert!(
        doc["errors"].as_array().is_some_and(|e| e.len() > 1),
        "{doc:#}"
    );
}

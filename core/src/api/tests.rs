//! The API's own tests: errors, and what each build answers.

use super::*;

#[test]
fn bad_json_names_path_line_and_column() {
    let err = call(
        "report",
        "{\n  \"now\": \"2024-01-01\",\n  \"cluster\": {\"name\": 5}\n}",
    )
    .unwrap_err();
    match err {
        ApiError::BadInput { path, line, .. } => {
            assert_eq!(path, "cluster.name");
            assert_eq!(line, 3);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(call("nope", "").unwrap_err().kind(), "unknownOperation");
    assert!(
        call("policy", "")
            .unwrap()
            .contains("\"caLifetime\":\"10950d\"")
    );
}

/// The calculator module reads certificates (PEM, DER, base64 DER); a kubeconfig or another
/// tool's output is refused as a capability of another module (the JS face and the page
/// load it on this kind), not as unreadable input. Natively every kind is read.
#[test]
fn a_tool_output_kind_left_out_of_a_build_is_refused_naming_the_module_that_reads_it() {
    let e = ApiError::from(InspectError::NotInThisBuild {
        kind: InputKind::Curl,
    });
    assert_eq!(e, ApiError::InputUnavailable(InputKind::Curl));
    assert_eq!(e.kind(), "unavailableOperation");
    let text = e.to_string();
    for part in [
        "input kind `curl`",
        &format!("the {BUILD} build"),
        "reads pem, der and base64",
        "(load `akscert/full` for it)",
    ] {
        assert!(text.contains(part), "{part:?} not in {text:?}");
    }
    // Any other inspection error stays what it was.
    assert_eq!(
        ApiError::from(InspectError::Empty),
        ApiError::Inspect(InspectError::Empty)
    );
    let with_tools = cfg!(feature = "tool-output");
    for kind in InputKind::ALL {
        let tool = !matches!(kind, InputKind::Pem | InputKind::Der | InputKind::Base64);
        assert_eq!(kind.is_tool_output(), tool, "{kind:?}");
        assert_eq!(kind.available(), with_tools || !tool, "{kind:?}");
    }
    // `az aks` JSON read as facts goes with the tool output, to the same module.
    for op in [Op::AksFacts, Op::FleetReport] {
        assert_eq!(op.needs(), Some(Capability::ToolOutput), "{op}");
        assert_eq!(op.available(), with_tools);
    }
}

/// An input kind's name is the one requests and inspections use.
#[test]
fn every_input_kind_is_named_as_its_json_names_it() {
    let mut names = std::collections::BTreeSet::new();
    for kind in InputKind::ALL {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.name()));
        assert_eq!(serde_json::from_str::<InputKind>(&json).unwrap(), kind);
        names.insert(kind.name());
    }
    assert_eq!(names.len(), InputKind::ALL.len(), "each kind once");
}

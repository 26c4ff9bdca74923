//! Fuzzes the JSON entry points: any input is a valid case (which then recommends and
//! survives a JSON round trip) or a typed error naming a field; nothing panics.
#![no_main]

use hcc_pathways::{recommend, Case, Error, Policy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Case::from_json(text) {
        Ok(case) => {
            // A valid case recommends, or (facts not known decide) is undecided.
            let rec = recommend(&case);
            assert!(
                matches!(rec, Ok(_) | Err(Error::Undecided { .. })),
                "a valid case did not recommend: {rec:?}"
            );
            assert_eq!(Case::from_json(&case.to_json()).as_ref(), Ok(&case));
        }
        Err(e) => assert!(matches!(e, Error::Invalid { .. }), "{e:?}"),
    }
    if let Err(e) = Policy::from_json(text) {
        assert!(matches!(e, Error::Invalid { .. }), "{e:?}");
    }
});

session_store_conformance::conformance_tests!(my_session_store::MyHarness);

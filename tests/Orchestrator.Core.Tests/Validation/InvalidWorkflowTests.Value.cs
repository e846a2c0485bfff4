using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the value cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
    public static TheoryData<string, string, string> ValueCases => new()
    {
        {
            "timeout without a unit",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  timeout: 5
            """,
            "wf.yaml:5:16: error: invalid duration '5' in 'timeout' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)"
        },
        {
            "timeout in words",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  timeout: 5 seconds
            """,
            "wf.yaml:5:16: error: invalid duration '5 seconds' in 'timeout' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)"
        },
        {
            "wait with a bad duration",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  wait: soon
            """,
            "wf.yaml:4:13: error: invalid duration 'soon' in 'wait' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)"
        },
        {
            "negative wait",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  wait: -5s
            """,
            "wf.yaml:4:13: error: invalid duration '-5s' in 'wait' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)"
        },
        {
            "retry delay with a bad unit",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry: { attempts: 3, delay: 2x }
            """,
            "wf.yaml:5:36: error: invalid duration '2x' in 'retry.delay' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)"
        },
        {
            "retry maxDelay with a bad duration",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry: { maxDelay: big }
            """,
            "wf.yaml:5:26: error: invalid duration 'big' in 'retry.maxDelay' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)"
        },
        {
            "retry with zero attempts",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry: { attempts: 0 }
            """,
            "wf.yaml:5:26: error: 'retry.attempts' must be an integer of at least 1"
        },
        {
            "retry attempts not a number",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry: { attempts: x }
            """,
            "wf.yaml:5:26: error: 'retry.attempts' must be an integer of at least 1"
        },
        {
            "unknown backoff",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry: { backoff: fibonacci }
            """,
            "wf.yaml:5:25: error: 'retry.backoff' must be one of constant, linear, exponential"
        },
        {
            "unknown retry key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry:
                    attempts: 2
                    maxAttempts: 3
            """,
            "wf.yaml:7:9: error: unknown key 'maxAttempts' in retry (allowed: attempts, backoff, delay, maxDelay, jitter, errors)"
        },
        {
            "retry as a bare number",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry: 3
            """,
            "wf.yaml:5:14: error: 'retry' must be a mapping such as { attempts: 3, backoff: exponential, delay: 200ms }"
        },
        {
            "jitter not a boolean",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry: { jitter: maybe }
            """,
            "wf.yaml:5:24: error: 'retry.jitter' must be true or false"
        },
        {
            "empty function name",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: ""
            """,
            "wf.yaml:4:13: error: 'call' must be a non-empty string"
        },
    };
}

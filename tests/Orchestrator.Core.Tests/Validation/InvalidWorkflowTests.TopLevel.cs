using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the toplevel cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
    public static TheoryData<string, string, string> TopLevelCases => new()
    {
        {
            "unknown top-level key",
            """
            document: { name: wf, version: 1.0.0 }
            steps: []
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:2:1: error: unknown key 'steps' in the workflow (allowed: document, input, secrets, on, timeout, do)"
        },
        {
            "missing document",
            """
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:1:1: error: the workflow is missing required key 'document' (with 'name' and 'version')"
        },
        {
            "document not a mapping",
            """
            document: wf
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:1:11: error: 'document' must be a mapping: { name: my-workflow, version: 1.0.0 }"
        },
        {
            "missing name",
            """
            document: { version: 1.0.0 }
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:1:11: error: 'document' is missing required key 'name'"
        },
        {
            "missing version",
            """
            document:
              name: wf
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:2:3: error: 'document' is missing required key 'version'"
        },
        {
            "version not semantic",
            """
            document: { name: wf, version: 1.0 }
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:1:32: error: document.version '1.0' is not a semantic version such as 1.0.0"
        },
        {
            "name with capitals and underscore",
            """
            document: { name: My_Flow, version: 1.0.0 }
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:1:19: error: document.name 'My_Flow' must be lowercase letters, digits, '-' or '.', starting with a letter"
        },
        {
            "unknown document key",
            """
            document: { name: wf, version: 1.0.0, author: me }
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:1:39: error: unknown key 'author' in document (allowed: name, version, namespace, title, summary)"
        },
        {
            "missing do",
            """
            document: { name: wf, version: 1.0.0 }
            timeout: 5s
            """,
            "wf.yaml:1:1: error: the workflow is missing required key 'do'"
        },
        {
            "do not a list",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              a: { set: 1 }
            """,
            "wf.yaml:3:3: error: 'do' must be a list of steps, each '- name: { task }'"
        },
        {
            "empty do",
            """
            document: { name: wf, version: 1.0.0 }
            do: []
            """,
            "wf.yaml:2:5: error: 'do' needs at least one step"
        },
        {
            "bad workflow timeout",
            """
            document: { name: wf, version: 1.0.0 }
            timeout: forever
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:2:10: error: invalid duration 'forever' in 'timeout' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)"
        },
        {
            "input.schema not a mapping",
            """
            document: { name: wf, version: 1.0.0 }
            input:
              schema: object
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:3:11: error: 'input.schema' must be a JSON Schema written as a mapping"
        },
        {
            "input.schema type is a number",
            """
            document: { name: wf, version: 1.0.0 }
            input:
              schema: { type: 12 }
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:3:11: error: 'input.schema' is not a valid JSON Schema: 'type' must be either a string or an array of strings"
        },
        {
            "unknown input key",
            """
            document: { name: wf, version: 1.0.0 }
            input:
              schema: { type: object }
              default: {}
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:4:3: error: unknown key 'default' in input (allowed: schema)"
        },
        {
            "input is not a mapping",
            """
            document: { name: wf, version: 1.0.0 }
            input: object
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:2:8: error: 'input' must be a mapping: { schema: { … } }"
        },
        {
            "secrets not a list",
            """
            document: { name: wf, version: 1.0.0 }
            secrets: { API_KEY: x }
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:2:10: error: 'secrets' must be a string or a list of strings"
        },
        {
            "on not a list",
            """
            document: { name: wf, version: 1.0.0 }
            on: { queue: signups }
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:2:5: error: 'on' must be a list of triggers, e.g. '- queue: user.signups'"
        },
        {
            "unknown trigger kind",
            """
            document: { name: wf, version: 1.0.0 }
            on:
              - topic: signups
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:3:5: error: unknown key 'topic' in trigger (allowed: queue, prefetch, concurrency, correlation)"
        },
        {
            "trigger is a bare queue name",
            """
            document: { name: wf, version: 1.0.0 }
            on:
              - signups
            do:
              - a: { set: 1 }
            """,
            "wf.yaml:3:5: error: a trigger must be a mapping, e.g. { queue: user.signups }"
        },
    };
}

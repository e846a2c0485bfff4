using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the syntax cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
    public static TheoryData<string, string, string> SyntaxCases => new()
    {
        {
            "tab indentation",
            "document:\n\tname: wf\n",

            "wf.yaml:2:1: error: invalid YAML: a tab is used for indentation; indent with spaces"
        },
        {
            "unclosed quote",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: "abc
            """,
            "wf.yaml:4:12: error: invalid YAML: While scanning a quoted scalar, found unexpected end of stream."
        },
        {
            "unclosed bracket at the end of the file",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: [1, 2
            """,
            "wf.yaml:4:12: error: invalid YAML: this '[' is never closed (expected ']')"
        },
        {
            "unclosed brace at the end of the file",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: { total: 1
            """,
            "wf.yaml:4:12: error: invalid YAML: this '{' is never closed (expected '}')"
        },
        {
            "unclosed quote before more lines",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: "abc
              - b: { set: 3 }
            """,
            "wf.yaml:4:12: error: invalid YAML: While scanning a multi-line double-quoted scalar, found wrong indentation."
        },
        {
            "bad indentation",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: 1
                 then: end
            """,
            "wf.yaml:5:6: error: invalid YAML: While parsing a block mapping, did not find expected key."
        },
        {
            "duplicate mapping key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  with: { name: Ada }
                  with: { name: Bob }
            """,
            "wf.yaml:6:7: error: invalid YAML: duplicate key 'with'"
        },
        {
            "second YAML document",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { set: 1 }
            ---
            document: { name: other, version: 1.0.0 }
            """,
            "wf.yaml:5:1: error: a workflow file holds one YAML document; found another after '---'"
        },
        {
            "empty file",
            "",
            "wf.yaml:1:1: error: the file is empty: a workflow needs 'document' and 'do'"
        },
        {
            "only a comment",
            "# nothing here yet\n",
            "wf.yaml:1:1: error: the file is empty: a workflow needs 'document' and 'do'"
        },
        {
            "root is a list",
            """
            - document: { name: wf, version: 1.0.0 }
            - do: []
            """,
            "wf.yaml:1:1: error: a workflow must be a mapping with 'document' and 'do'"
        },
        {
            "root is a scalar",
            "hello",
            "wf.yaml:1:1: error: a workflow must be a mapping with 'document' and 'do'"
        },
    };
}

using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>
/// What a user sees for each kind of mistake: the first diagnostic, with its exact <c>file:line:col</c> and message.
/// Each row is (scenario, workflow YAML, expected first diagnostic).
/// </summary>
public sealed class InvalidWorkflowTests
{
    private static readonly Dictionary<string, string> Templates = new(StringComparer.Ordinal)
    {
        ["templates/ok.sbn"] = "Hello {{ input.name }}",
        ["templates/broken.sbn"] = "{{ for line in lines }} no end",
    };

    private static readonly string[] Functions = ["echo", "greet"];

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
            "wf.yaml:3:5: error: unknown key 'topic' in trigger (allowed: queue)"
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

    public static TheoryData<string, string, string> StepCases => new()
    {
        {
            "step with two keys",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { set: 1 }
                b: { set: 2 }
            """,
            "wf.yaml:3:5: error: a step must be a mapping with exactly one key, its name: '- name: { call: fn }'"
        },
        {
            "step is a bare name",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a
            """,
            "wf.yaml:3:5: error: a step must be a mapping with exactly one key, its name: '- name: { call: fn }'"
        },
        {
            "step body is a scalar",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: greet
            """,
            "wf.yaml:3:8: error: step 'a' must be a mapping of task fields, e.g. { call: fn }"
        },
        {
            "no task keyword",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  with: { name: Ada }
            """,
            "wf.yaml:3:5: error: step 'a' has no task: expected one of call, set, switch, fork, for, try, wait, raise, run, output, do"
        },
        {
            "two task keywords",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  set: 1
            """,
            "wf.yaml:5:7: error: step 'a' has more than one task keyword: 'call' and 'set'"
        },
        {
            "unknown key in call",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  foo: 1
            """,
            "wf.yaml:5:7: error: unknown key 'foo' in call step 'a' (allowed: if, timeout, retry, then, call, with)"
        },
        {
            "unknown key in set",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: { x: 1 }
                  with: { y: 2 }
            """,
            "wf.yaml:5:7: error: unknown key 'with' in set step 'a' (allowed: if, timeout, retry, then, set)"
        },
        {
            "unknown key in wait",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  wait: 1s
                  until: tomorrow
            """,
            "wf.yaml:5:7: error: unknown key 'until' in wait step 'a' (allowed: if, timeout, retry, then, wait)"
        },
        {
            "concurrency beside for instead of inside it",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: "{{ input.items }}" }
                  concurrency: 2
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:5:7: error: unknown key 'concurrency' in for step 'a' (allowed: if, timeout, retry, then, for, do)"
        },
        {
            "unknown key in for",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: "{{ input.items }}", parallel: true }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:39: error: unknown key 'parallel' in for (allowed: each, in, at, concurrency)"
        },
        {
            "finally in try",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { set: 1 }
                  catch: {}
                  finally: []
            """,
            "wf.yaml:7:7: error: unknown key 'finally' in try step 'a' (allowed: if, timeout, retry, then, try, catch)"
        },
        {
            "unknown key in catch",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { set: 1 }
                  catch:
                    errors: { type: timeout }
                    then: end
            """,
            "wf.yaml:8:9: error: unknown key 'then' in catch (allowed: errors, as, when, retry, do)"
        },
        {
            "unknown key in fork",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  fork:
                    race: true
                    branches:
                      - b: { set: 1 }
            """,
            "wf.yaml:5:9: error: unknown key 'race' in fork (allowed: branches, compete)"
        },
        {
            "unknown key in raise",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  raise: { type: boom, status: 500 }
            """,
            "wf.yaml:4:28: error: unknown key 'status' in raise (allowed: type, message, retryable)"
        },
        {
            "with instead of input in run",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  run: { workflow: other, with: { x: 1 } }
            """,
            "wf.yaml:4:31: error: unknown key 'with' in run (allowed: workflow, version, input)"
        },
        {
            "duplicate step name",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { set: 1 }
              - a: { set: 2 }
            """,
            "wf.yaml:4:5: error: duplicate step name 'a' (first defined at 3:5)"
        },
        {
            "duplicate step name across nesting levels",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a: { set: 1 }
              - b:
                  do:
                    - a: { set: 2 }
            """,
            "wf.yaml:6:11: error: duplicate step name 'a' (first defined at 3:5)"
        },
        {
            "duplicate step name between a catch handler and its try block",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { set: 1 }
                  catch:
                    do:
                      - b: { set: 2 }
            """,
            "wf.yaml:8:13: error: duplicate step name 'b' (first defined at 5:11)"
        },
        {
            "step name with a dash",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - send-email: { call: echo }
            """,
            "wf.yaml:3:5: error: step name 'send-email' is not an identifier (letters, digits and _, not starting with a digit)"
        },
        {
            "step name starting with a digit",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - 1st: { set: 1 }
            """,
            "wf.yaml:3:5: error: step name '1st' is not an identifier (letters, digits and _, not starting with a digit)"
        },
        {
            "reserved step name",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - input: { set: 1 }
            """,
            "wf.yaml:3:5: error: step name 'input' is reserved (it is already in scope in expressions)"
        },
        {
            "step named like a Scriban builtin",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - string: { set: 1 }
            """,
            "wf.yaml:3:5: error: step name 'string' is reserved (it is already in scope in expressions)"
        },
    };

    public static TheoryData<string, string, string> FlowCases => new()
    {
        {
            "then to an unknown step",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: 1
                  then: nowhere
              - b: { set: 2 }
            """,
            "wf.yaml:3:5: error: step 'a' jumps to unknown step 'nowhere' (steps in this list: a, b; or continue, exit, end)"
        },
        {
            "then out of a nested list",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  do:
                    - b:
                        set: 1
                        then: c
              - c: { set: 2 }
            """,
            "wf.yaml:5:11: error: step 'b' jumps to unknown step 'c' (steps in this list: b; or continue, exit, end)"
        },
        {
            "switch case to an unknown step",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - route:
                  switch:
                    - when: "{{ input.express }}"
                      then: expres
                    - default: continue
              - express: { set: 1 }
            """,
            "wf.yaml:5:11: error: step 'route' jumps to unknown step 'expres' (steps in this list: route, express; or continue, exit, end)"
        },
        {
            "switch case without then",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - route:
                  switch:
                    - when: "{{ input.express }}"
            """,
            "wf.yaml:5:11: error: a switch case needs both 'when' and 'then'"
        },
        {
            "switch is a mapping",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - route:
                  switch: { when: "{{ input.express }}", then: end }
            """,
            "wf.yaml:4:15: error: 'switch' must be a list of cases: '- when: \"{{ … }}\"' with 'then', and optionally '- default: …'"
        },
        {
            "switch default with a when",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - route:
                  switch:
                    - default: end
                      when: "{{ input.express }}"
            """,
            "wf.yaml:6:11: error: unknown key 'when' in switch default (allowed: default)"
        },
    };

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

    public static TheoryData<string, string, string> ExpressionCases => new()
    {
        {
            "syntax error in with",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  with: { name: "{{ input.name | }}" }
            """,
            "wf.yaml:5:21: error: invalid expression: Error while parsing pipe expression: Expecting <expression> instead of `<eof>` in: <expression> | <expression>"
        },
        {
            "syntax error inside interpolated text",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  with:
                    name: "Dear {{ input.name ( }}!"
            """,
            "wf.yaml:6:15: error: invalid expression: Error while parsing nested expression: Expecting <expression> instead of `}}` in: (<expression>)"
        },
        {
            "stray closing brace",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: "{{ input.x }"
            """,
            "wf.yaml:4:12: error: invalid expression: '{{' is never closed with '}}'"
        },
        {
            "syntax error in if",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  if: "{{ input.count > }}"
                  set: 1
            """,
            "wf.yaml:4:11: error: invalid expression in 'if': Error while parsing binary expression: Expecting an <expression> to the right of the operator instead of `<eof>` in: <expression> operator <expression>"
        },
        {
            "syntax error in if without braces",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  if: input.count >
                  set: 1
            """,
            "wf.yaml:4:11: error: invalid expression in 'if': Error while parsing binary expression: Expecting an <expression> to the right of the operator instead of `<eof>` in: <expression> operator <expression>"
        },
        {
            "if is a mapping",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  if: { count: 1 }
                  set: 1
            """,
            "wf.yaml:4:11: error: 'if' must be an expression such as \"{{ input.count > 0 }}\""
        },
        {
            "syntax error in set",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set:
                    total: "{{ 1 + }}"
            """,
            "wf.yaml:5:16: error: invalid expression: Error while parsing binary expression: Expecting an <expression> to the right of the operator instead of `<eof>` in: <expression> operator <expression>"
        },
        {
            "syntax error in switch when",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  switch:
                    - when: "{{ input.x == }}"
                      then: end
            """,
            "wf.yaml:5:17: error: invalid expression in 'when': Error while parsing binary expression: Expecting an <expression> to the right of the operator instead of `<eof>` in: <expression> operator <expression>"
        },
        {
            "syntax error in catch when",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { set: 1 }
                  catch:
                    when: error.type ==
            """,
            "wf.yaml:7:15: error: invalid expression in 'catch.when': Error while parsing binary expression: Expecting an <expression> to the right of the operator instead of `<eof>` in: <expression> operator <expression>"
        },
        {
            "syntax error in for.in",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: "{{ input.items | }}" }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:18: error: invalid expression in 'for.in': Error while parsing pipe expression: Expecting <expression> instead of `<eof>` in: <expression> | <expression>"
        },
        {
            "for.in is a literal list",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: [1, 2, 3] }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:18: error: 'for.in' must be a single expression such as \"{{ input.items }}\""
        },
        {
            "for.in without braces",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: input.items }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:18: error: 'for.in' must be a single expression such as \"{{ input.items }}\""
        },
        {
            "template file not found",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: { template: templates/missing.sbn }
            """,
            "wf.yaml:4:24: error: template file 'templates/missing.sbn' not found"
        },
        {
            "template file with a syntax error",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: { template: templates/broken.sbn }
            """,
            "wf.yaml:4:24: error: invalid template 'templates/broken.sbn': Error while parsing for statement: The <end> statement was not found in: for <variable> in <expression> ... end"
        },
    };

    public static TheoryData<string, string, string> KindCases => new()
    {
        {
            "for without in",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { each: x }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:12: error: 'for' is missing required key 'in'"
        },
        {
            "for without do",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: "{{ input.items }}" }
            """,
            "wf.yaml:3:5: error: for step 'a' is missing required key 'do'"
        },
        {
            "for as an expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: "{{ input.items }}"
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:12: error: 'for' must be a mapping: { each: item, in: \"{{ input.items }}\" }"
        },
        {
            "for with concurrency 0",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { in: "{{ input.items }}", concurrency: 0 }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:52: error: 'for.concurrency' must be an integer of at least 1"
        },
        {
            "try without catch",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { call: greet }
            """,
            "wf.yaml:3:5: error: try step 'a' is missing required key 'catch'"
        },
        {
            "catch errors as a bare type",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { call: greet }
                  catch:
                    errors: timeout
            """,
            "wf.yaml:7:17: error: 'catch.errors' must be a mapping: { type: timeout } or { type: [a, b] }"
        },
        {
            "raise without type",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  raise: { message: boom }
            """,
            "wf.yaml:4:14: error: 'raise' is missing required key 'type'"
        },
        {
            "raise with a bare message",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  raise: boom
            """,
            "wf.yaml:4:14: error: 'raise' must be a mapping: { type: payment-declined, message: \"…\" }"
        },
        {
            "run without workflow",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  run: { version: 1.0.0 }
            """,
            "wf.yaml:4:12: error: 'run' is missing required key 'workflow'"
        },
        {
            "run with a bare name",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  run: shipping
            """,
            "wf.yaml:4:12: error: 'run' must be a mapping: { workflow: name, version: 1.0.0, input: { … } }"
        },
        {
            "fork with an empty list",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  fork: []
            """,
            "wf.yaml:4:13: error: 'fork.branches' needs at least one step"
        },
        {
            "fork with empty branches",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  fork:
                    compete: true
                    branches: []
            """,
            "wf.yaml:6:19: error: 'fork.branches' needs at least one step"
        },
        {
            "fork without branches",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  fork: { compete: true }
            """,
            "wf.yaml:4:13: error: 'fork' needs 'branches': a list of named tasks"
        },
        {
            "fork compete not a boolean",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  fork:
                    compete: first
                    branches:
                      - b: { set: 1 }
            """,
            "wf.yaml:5:18: error: 'fork.compete' must be true or false"
        },
        {
            "for.each empty",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  for: { each: "", in: "{{ input.items }}" }
                  do:
                    - b: { set: 1 }
            """,
            "wf.yaml:4:20: error: 'for.each' must be a non-empty string"
        },
        {
            "switch case is a bare expression",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  switch:
                    - "{{ input.express }}"
            """,
            "wf.yaml:5:11: error: a switch case must be a mapping: { when: \"{{ … }}\", then: step } or { default: step }"
        },
        {
            "catch is a bare type",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  try:
                    - b: { call: greet }
                  catch: timeout
            """,
            "wf.yaml:6:14: error: 'catch' must be a mapping (or a list of them): { errors: { type: timeout }, do: [ … ] }"
        },
        {
            "retry errors as a mapping",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  call: greet
                  retry: { errors: { type: timeout } }
            """,
            "wf.yaml:5:24: error: 'retry.errors' must be a string or a list of strings"
        },
        {
            "complex mapping key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set:
                    ? [x, y]
                    : 1
            """,
            "wf.yaml:5:11: error: keys must be plain text"
        },
    };

    /// <summary>Cross-file rows: the first workflow is validated; every workflow is in the catalog; functions are echo and greet.</summary>
    public static TheoryData<string, string[], string> CrossFileCases => new()
    {
        {
            "unknown function",
            [
                """
                document: { name: wf, version: 1.0.0 }
                do:
                  - hello:
                      call: gret
                      with: { name: Ada }
                """,
            ],
            "wf.yaml:4:13: error: unknown function 'gret' (known: echo, greet)"
        },
        {
            "unknown sub-workflow",
            [
                """
                document: { name: wf, version: 1.0.0 }
                do:
                  - ship:
                      run: { workflow: shiping }
                """,
                """
                document: { name: shipping, version: 1.0.0 }
                do:
                  - quote: { call: echo }
                """,
            ],
            "wf.yaml:4:24: error: unknown workflow 'shiping' (known: shipping@1.0.0, wf@1.0.0)"
        },
        {
            "sub-workflow version not loaded",
            [
                """
                document: { name: wf, version: 1.0.0 }
                do:
                  - ship:
                      run:
                        workflow: shipping
                        version: 2.0.0
                """,
                """
                document: { name: shipping, version: 1.0.0 }
                do:
                  - quote: { call: echo }
                """,
            ],
            "wf.yaml:5:19: error: unknown workflow 'shipping' version 2.0.0 (known: shipping@1.0.0, wf@1.0.0)"
        },
        {
            "two workflows running each other",
            [
                """
                document: { name: ping, version: 1.0.0 }
                do:
                  - other:
                      run: { workflow: pong }
                """,
                """
                document: { name: pong, version: 1.0.0 }
                do:
                  - back:
                      run: { workflow: ping }
                """,
            ],
            "wf.yaml:4:24: error: sub-workflow cycle: ping@1.0.0 -> pong@1.0.0 -> ping@1.0.0"
        },
        {
            "workflow running itself",
            [
                """
                document: { name: wf, version: 1.0.0 }
                do:
                  - again:
                      run: { workflow: wf, version: 1.0.0 }
                """,
            ],
            "wf.yaml:4:24: error: sub-workflow cycle: wf@1.0.0 -> wf@1.0.0"
        },
        {
            "a cycle member, loaded beside a workflow that enters the cycle",
            [
                """
                document: { name: ping, version: 1.0.0 }
                do:
                  - other:
                      run: { workflow: pong }
                """,
                """
                document: { name: pong, version: 1.0.0 }
                do:
                  - back:
                      run: { workflow: ping }
                """,
                """
                document: { name: wf, version: 1.0.0 }
                do:
                  - enter:
                      run: { workflow: ping }
                """,
            ],
            "wf.yaml:4:24: error: sub-workflow cycle: ping@1.0.0 -> pong@1.0.0 -> ping@1.0.0"
        },
    };

    /// <summary>Unclosed flow collections followed by more lines: YamlDotNet throws InvalidOperationException, not YamlException.</summary>
    public static TheoryData<string, string> UnclosedFlowCases => new()
    {
        {
            "unclosed bracket before another step",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: [1, 2
              - b: { set: 3 }
            """
        },
        {
            "unclosed brace before another key",
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - a:
                  set: { total: 1
                  then: end
            """
        },
    };

    [Theory]
    [MemberData(nameof(SyntaxCases))]
    [MemberData(nameof(TopLevelCases))]
    [MemberData(nameof(StepCases))]
    [MemberData(nameof(FlowCases))]
    [MemberData(nameof(ValueCases))]
    [MemberData(nameof(ExpressionCases))]
    [MemberData(nameof(KindCases))]
    public void Parse_InvalidWorkflow_ReportsFirstDiagnosticWithPositionAndMessage(string scenario, string yaml, string expected)
    {
        var result = WorkflowParser.Parse(yaml, "wf.yaml", path => Templates.GetValueOrDefault(path));

        Assert.True(result.Diagnostics.Count > 0, $"{scenario}: expected a diagnostic, got none");
        Assert.Null(result.Workflow);
        Assert.Equal(expected, result.Diagnostics[0].ToString());
    }

    [Theory]
    [MemberData(nameof(CrossFileCases))]
    public void Validate_InvalidReference_ReportsDiagnosticAtTheReference(string scenario, string[] files, string expected)
    {
        var catalog = new WorkflowCatalog();
        var workflows = files.Select((yaml, index) => ParseValid(yaml, index == 0 ? "wf.yaml" : $"other{index}.yaml")).ToList();
        foreach (var workflow in workflows)
        {
            Assert.True(catalog.TryAdd(workflow), $"{scenario}: {workflow.Name}@{workflow.Version} added twice");
        }

        var diagnostics = WorkflowValidator.Validate(workflows[0], catalog, Functions);

        Assert.Equal(expected, Assert.Single(diagnostics).ToString());
    }

    [Theory]
    [MemberData(nameof(UnclosedFlowCases))]
    public void Parse_UnclosedFlowCollectionBeforeMoreLines_ReportsInvalidYamlInsteadOfThrowing(string scenario, string yaml)
    {
        var result = WorkflowParser.Parse(yaml, "wf.yaml", _ => null);

        Assert.Null(result.Workflow);
        Assert.True(result.Diagnostics.Count > 0, $"{scenario}: expected a diagnostic, got none");
        Assert.Matches(@"^wf\.yaml:\d+:\d+: error: invalid YAML: ", result.Diagnostics[0].ToString());
    }

    [Fact]
    public void Validate_WorkflowThatOnlyEntersACycle_IsNotBlamedForIt()
    {
        var catalog = new WorkflowCatalog();
        var entry = ParseValid("document: { name: wf, version: 1.0.0 }\ndo:\n  - enter: { run: { workflow: ping } }\n", "wf.yaml");
        catalog.TryAdd(entry);
        catalog.TryAdd(ParseValid("document: { name: ping, version: 1.0.0 }\ndo:\n  - other: { run: { workflow: pong } }\n", "ping.yaml"));
        catalog.TryAdd(ParseValid("document: { name: pong, version: 1.0.0 }\ndo:\n  - back: { run: { workflow: ping } }\n", "pong.yaml"));

        Assert.Empty(WorkflowValidator.Validate(entry, catalog, Functions));
    }

    [Fact]
    public void Validate_NoFunctionsRegistered_SaysSo()
    {
        var workflow = ParseValid(
            """
            document: { name: wf, version: 1.0.0 }
            do:
              - hello: { call: greet }
            """,
            "wf.yaml");
        var catalog = new WorkflowCatalog();
        catalog.TryAdd(workflow);

        var diagnostics = WorkflowValidator.Validate(workflow, catalog, []);

        Assert.Equal("wf.yaml:3:20: error: unknown function 'greet' (none are registered)", Assert.Single(diagnostics).ToString());
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOneInFileOrder()
    {
        var result = WorkflowParser.Parse(
            """
            document: { name: wf, version: 1.0.0 }
            steps: []
            do:
              - a:
                  call: greet
                  timeout: soon
              - a: { set: 1 }
            """,
            "wf.yaml",
            _ => null);

        Assert.Equal(
            [
                "wf.yaml:2:1: error: unknown key 'steps' in the workflow (allowed: document, input, secrets, on, timeout, do)",
                "wf.yaml:6:16: error: invalid duration 'soon' in 'timeout' (use e.g. 500ms, 5s, 2m, 1h or ISO 8601 PT5S)",
                "wf.yaml:7:5: error: duplicate step name 'a' (first defined at 4:5)",
            ],
            result.Diagnostics.Select(d => d.ToString()));
    }

    private static WorkflowDefinition ParseValid(string yaml, string file)
    {
        var result = WorkflowParser.Parse(yaml, file, _ => null);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        return result.Workflow!;
    }
}

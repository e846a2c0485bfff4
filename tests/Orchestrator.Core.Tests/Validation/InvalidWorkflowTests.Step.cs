using Orchestrator.Core.Definitions;
using Orchestrator.Core.Parsing;
using Orchestrator.Core.Validation;

namespace Orchestrator.Core.Tests.Validation;

/// <summary>Invalid workflows: the step cases of the table.</summary>
public sealed partial class InvalidWorkflowTests
{
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
            "wf.yaml:3:5: error: step 'a' has no task: expected one of call, set, switch, fork, for, try, wait, raise, run, output, emit, listen, do"
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
}

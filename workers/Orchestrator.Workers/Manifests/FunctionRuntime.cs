namespace Orchestrator.Workers.Manifests;

/// <summary>The language a function is written in, from its manifest's <c>runtime</c>.</summary>
public enum FunctionRuntime
{
    /// <summary>Python 3, run by <c>adapters/python/adapter.py</c>.</summary>
    Python,

    /// <summary>Node.js, run by <c>adapters/node/adapter.js</c>.</summary>
    Node,

    /// <summary>PHP CLI, run by <c>adapters/php/adapter.php</c>.</summary>
    Php,

    /// <summary>C#, in-process: the manifest only names a function registered in the worker host.</summary>
    DotNet,
}

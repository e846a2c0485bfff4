namespace Orchestrator.Benchmarks.Coldstart;

/// <summary>What one timing of the cold-start benchmark measured.</summary>
internal enum Measure
{
    /// <summary>(1) The bare interpreter, spawn to exit: <c>python3 -c pass</c>, <c>node -e 0</c>, <c>php -r ''</c>.</summary>
    Bare,

    /// <summary>(1) Python with <c>-S</c> (no <c>site</c>), as the worker starts it: <c>python3 -S -c pass</c>.</summary>
    BareNoSite,

    /// <summary>(2) First invocation on a fresh pool without stem cells: spawn, ready, init, invoke.</summary>
    Cold,

    /// <summary>The worker's own <c>InitMs</c> for <see cref="Cold"/> (spawn to initialised).</summary>
    ColdInit,

    /// <summary>(3) First invocation on a fresh pool whose stem cell is ready: init and invoke.</summary>
    Stem,

    /// <summary>The worker's own <c>InitMs</c> for <see cref="Stem"/> (init of the stem cell only).</summary>
    StemInit,

    /// <summary>The first invocations after the cold start, on an instance whose interpreter (V8, for one) is not warm yet.</summary>
    WarmEarly,

    /// <summary>(4) An invocation on a warm instance (after <see cref="ColdstartProbe.SettleInvocations"/> more):
    /// the round trip through the worker host.</summary>
    Warm,
}

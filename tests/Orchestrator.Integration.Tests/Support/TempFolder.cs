namespace Orchestrator.Integration.Tests.Support;

/// <summary>A folder of one test's own (its SQLite store), deleted at the end.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("orchestrator-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open (a store a failed test did not close): left to the temp folder's cleanup.
        }
    }
}

using Orchestrator.Functions;

namespace Orchestrator.Examples;

/// <summary><c>normalize-user</c>: trims a user's name and lower-cases the email.</summary>
[Function("normalize-user")]
public sealed class NormalizeUser : IFunction<NormalizeUser.User, NormalizeUser.User>
{
    /// <summary>A user.</summary>
    public sealed record User(string Email, string Name);

    /// <inheritdoc />
    public Task<User> InvokeAsync(User input, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Task.FromResult(new User(input.Email.Trim().ToLowerInvariant(), input.Name.Trim()));
    }
}

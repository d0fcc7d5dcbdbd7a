using System.Globalization;
using Acornima.Ast;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace Respond.Domain.Playbooks.Expressions;

/// <summary>A parsed expression, or why it cannot be one. Immutable and shared between threads.</summary>
internal sealed class CompiledExpression(string source, Prepared<Script> script, string? error = null,
    ExpressionFailure failure = ExpressionFailure.Syntax)
{
    public string Source { get; } = source;

    public Prepared<Script> Script { get; } = script;

    /// <summary>The whole message of the <see cref="ExpressionException"/> to throw, when it cannot run.</summary>
    public string? Error { get; } = error;

    public ExpressionFailure Failure { get; } = failure;

    /// <summary>A new exception each time: one instance thrown on several threads would share a stack trace.</summary>
    public ExpressionException Exception() => new(Error ?? "") { Failure = Failure };
}

/// <summary>
/// Runs one compiled expression in a fresh engine: nothing a script assigns survives it, and the
/// only values it sees are copies of the scope. No CLR interop, no eval, no modules, no buffers.
/// </summary>
internal sealed class ExpressionSandbox
{
    /// <summary>Set on both JSON sides so scope data as deep as 256 levels crosses in and out.</summary>
    public const int MaxJsonDepth = 256;

    /// <summary>The RangeError the string guards throw, recognised as the memory limit.</summary>
    public const string StringGuardMessage = "String too long for the memory limit";

    // Binary buffers allocate outside Jint's memory accounting (new ArrayBuffer(1e9) is one call),
    // Atomics can block, ShadowRealm opens a second realm; playbook expressions need none of them.
    private static readonly string[] RemovedGlobals =
    [
        "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "TypedArray",
        "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array",
        "Uint32Array", "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
        "ShadowRealm", "WeakRef", "FinalizationRegistry", "eval",
    ];

    private readonly ExpressionLimits limits;
    private readonly long maxChars;

    public ExpressionSandbox(ExpressionLimits limits)
    {
        this.limits = limits;
        maxChars = limits.MemoryBytes / sizeof(char);
    }

    public T Run<T>(CompiledExpression expression, ScopeJson scope, Func<Engine, JsValue, T> convert)
    {
        Engine? engine = null;
        var cap = ExpressionTimeCap.Current is { } c && c.Limit < limits.Timeout ? c : null;
        var timeout = cap?.Limit ?? limits.Timeout;
        try
        {
            engine = new Engine(options => Configure(options, timeout));
            Harden(engine);
            scope.Install(engine);

            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var value = engine.Evaluate(expression.Script);

            // Jint checks memory between statements, so what the last one allocated is checked here.
            if (GC.GetAllocatedBytesForCurrentThread() - allocated > limits.MemoryBytes)
            {
                throw ExpressionErrors.Create(expression.Source, ExpressionFailure.Memory, ExpressionErrors.MemoryExceeded(limits));
            }

            return convert(engine, value);
        }
        catch (ExpressionException)
        {
            throw;
        }
        catch (Exception exception)
        {
            var error = ExpressionErrors.From(expression.Source, exception, limits);
            if (cap is not null && error.Failure == ExpressionFailure.Timeout)
            {
                cap.NoteExceeded();
            }

            throw error;
        }
        finally
        {
            engine?.Dispose();
        }
    }

    private void Configure(Options options, TimeSpan timeout)
    {
        options.Strict()
            .DisableStringCompilation()
            .TimeoutInterval(timeout)
            .LimitMemory(limits.MemoryBytes)
            .LimitRecursion(limits.RecursionDepth)
            .MaxStatements(limits.MaxStatements);
        options.Interop.Enabled = false;
        options.Constraints.RegexTimeout = timeout;
        // Recursion that is not a plain call (getters, toString, nested arrays) would otherwise
        // overflow the native stack and end the process.
        options.Constraints.StackOverflowGuard = true;
        options.AgentCanSuspend = false;
        options.Json.MaxParseDepth = MaxJsonDepth;
        options.Culture = CultureInfo.InvariantCulture;
        options.TimeZone = TimeZoneInfo.Utc;
    }

    /// <summary>
    /// Runs before the expression: removes <see cref="RemovedGlobals"/> and guards the string builtins
    /// that make one huge string in a single call, which Jint's per-statement memory check would only
    /// see afterwards. Done through the engine's API rather than a script: a quarter of the cost.
    /// </summary>
    private void Harden(Engine engine)
    {
        foreach (var name in RemovedGlobals)
        {
            engine.Global.RemoveOwnProperty(name);
        }

        var prototype = engine.Global.Get("String").AsObject().Get("prototype").AsObject();
        Guard(engine, prototype, "repeat", static (text, args) => text.Length * TypeConverter.ToNumber(args.At(0)));
        Guard(engine, prototype, "padStart", static (_, args) => TypeConverter.ToNumber(args.At(0)));
        Guard(engine, prototype, "padEnd", static (_, args) => TypeConverter.ToNumber(args.At(0)));
    }

    /// <summary>Replaces <paramref name="name"/> with a function that refuses a result longer than the memory limit, then calls the
    /// original.</summary>
    private void Guard(Engine engine, ObjectInstance prototype, string name, Func<string, JsValue[], double> resultLength)
    {
        var original = prototype.Get(name);
        var guarded = new ClrFunction(engine, name, (self, args) => resultLength(TypeConverter.ToString(self), args) > maxChars
            ? throw new JavaScriptException(engine.Construct("RangeError", StringGuardMessage))
            : engine.Call(original, self, args), length: 1, PropertyFlag.Configurable);
        prototype.FastSetProperty(name, new PropertyDescriptor(guarded, PropertyFlag.Writable | PropertyFlag.Configurable));
    }
}

using System.Text.Json.Nodes;
using Respond.Domain.Playbooks.Definitions;

namespace Respond.Domain.Playbooks.Runs;

public sealed partial class RunEngine
{
    /// <summary>
    /// A step's input rendered against the run and its incident as they are now, exactly as entering the step would render
    /// it (an action's <c>path</c> escaped the same way), so an approver sees what approving would send. Changes nothing;
    /// the step renders again when it runs. Throws <see cref="Expressions.ExpressionException"/> as the step would fail.
    /// </summary>
    public JsonNode? Preview(PlaybookDefinition playbook, PlaybookRun run, PlaybookStep step, JsonObject template, RunContext context) =>
        new Turn(this, playbook, run, context).Preview(step, template);

    private sealed partial class Turn
    {
        public JsonNode? Preview(PlaybookStep step, JsonObject template) =>
            step.Type == StepTypes.Action ? RenderInput(template) : Expressions.Render(template, Scope());
    }
}

using NJsonSchema;

namespace Respond.Server.Playbooks.Library;

/// <summary>
/// The playbook format's JSON Schema, served at <c>GET /api/playbooks/schema</c> and the first pass of
/// validation. A copy of <c>playbooks/playbook.schema.json</c> (editors read that one); a test keeps the two
/// identical, since the csproj embeds no files.
/// </summary>
public static class PlaybookSchema
{
    public const string MediaType = "application/schema+json";

    /// <summary>The schema's text, exactly as the file holds it (its final newline included).</summary>
    public const string Json = """
{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Respond playbook",
  "description": "One playbook (docs/SPEC.md section 4): a trigger and a list of steps; the first step is where a run begins. Files are named <id>.json.",
  "type": "object",
  "additionalProperties": false,
  "required": ["id", "name", "steps"],
  "properties": {
    "$schema": { "type": "string", "description": "Where editors find this schema." },
    "id": { "$ref": "#/definitions/playbookId" },
    "name": { "type": "string", "minLength": 1, "maxLength": 200 },
    "description": { "type": "string" },
    "phase": {
      "type": "string",
      "description": "The NIST SP 800-61 phase the playbook serves, for the library's index.",
      "examples": ["preparation", "detection", "analysis", "containment", "eradication", "recovery", "post-incident"]
    },
    "trigger": { "$ref": "#/definitions/trigger" },
    "vars": {
      "type": "object",
      "description": "Variables with their defaults; settings Respond:Playbooks:Vars:{playbookId}:{name} override them."
    },
    "steps": {
      "type": "array",
      "minItems": 1,
      "maxItems": 500,
      "items": { "$ref": "#/definitions/step" }
    }
  },
  "definitions": {
    "playbookId": {
      "type": "string",
      "description": "1-100 lower-case letters, digits or dashes, starting with a letter or digit.",
      "pattern": "^[a-z0-9][a-z0-9-]{0,99}$"
    },
    "stepId": {
      "type": "string",
      "description": "1-100 lower-case letters, digits or dashes, unique in the playbook.",
      "pattern": "^[a-z0-9][a-z0-9-]{0,99}$"
    },
    "stepReference": { "type": "string", "minLength": 1, "description": "The id of a step of this playbook." },
    "duration": {
      "type": "string",
      "description": "ISO-8601, e.g. PT30M. Action timeout <= PT10M, retry delays <= P1D, other timeouts and delays in (0, P366D].",
      "pattern": "^P(?!$)(\\d+Y)?(\\d+M)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+(\\.\\d+)?S)?)?$"
    },
    "expression": { "type": "string", "minLength": 1, "description": "JavaScript over incident, alerts, vars and steps." },
    "trigger": {
      "type": "object",
      "description": "What starts a run. Without a trigger the playbook runs only by hand.",
      "additionalProperties": false,
      "required": ["on"],
      "properties": {
        "on": {
          "enum": ["incident.opened", "incident.severity-changed", "alert.correlated", "manual", "schedule"]
        },
        "when": { "$ref": "#/definitions/expression" },
        "cron": { "type": "string", "description": "For on: schedule, a cron expression of 5 fields (6 with seconds first)." },
        "timeZone": { "type": "string", "description": "For on: schedule, an IANA time zone such as Europe/Amsterdam (default UTC)." }
      }
    },
    "next": {
      "description": "Where to go next: one step id (taken on success), or a map from outcome to step id.",
      "oneOf": [
        { "$ref": "#/definitions/stepReference" },
        {
          "type": "object",
          "minProperties": 1,
          "additionalProperties": false,
          "properties": {
            "success": { "$ref": "#/definitions/stepReference" },
            "error": { "$ref": "#/definitions/stepReference" },
            "approved": { "$ref": "#/definitions/stepReference" },
            "rejected": { "$ref": "#/definitions/stepReference" },
            "expired": { "$ref": "#/definitions/stepReference" },
            "true": { "$ref": "#/definitions/stepReference" },
            "false": { "$ref": "#/definitions/stepReference" }
          }
        }
      ]
    },
    "retry": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "maxAttempts": { "type": "integer", "minimum": 1, "maximum": 20, "description": "Counts the first attempt." },
        "delay": { "$ref": "#/definitions/duration" },
        "backoff": { "enum": ["fixed", "exponential"] },
        "maxDelay": { "$ref": "#/definitions/duration" }
      }
    },
    "approvers": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "roles": {
          "type": "array",
          "uniqueItems": true,
          "items": { "enum": ["viewer", "responder", "approver", "author", "admin"] }
        },
        "users": { "type": "array", "uniqueItems": true, "items": { "type": "string", "minLength": 1 } },
        "quorum": { "type": "integer", "minimum": 1, "description": "How many distinct people must approve (default 1)." }
      }
    },
    "observable": {
      "type": "object",
      "additionalProperties": false,
      "required": ["type", "value"],
      "properties": {
        "type": { "type": "string", "minLength": 1 },
        "value": { "type": "string", "minLength": 1 }
      }
    },
    "step": {
      "description": "One step; its type says which other fields it has.",
      "oneOf": [
        { "$ref": "#/definitions/actionStep" },
        { "$ref": "#/definitions/approvalStep" },
        { "$ref": "#/definitions/conditionStep" },
        { "$ref": "#/definitions/parallelStep" },
        { "$ref": "#/definitions/delayStep" },
        { "$ref": "#/definitions/setStep" },
        { "$ref": "#/definitions/incidentStep" },
        { "$ref": "#/definitions/playbookStep" },
        { "$ref": "#/definitions/endStep" }
      ]
    },
    "actionStep": {
      "type": "object",
      "description": "Runs one operation of a configured connector.",
      "additionalProperties": false,
      "required": ["id", "type", "connector", "operation"],
      "properties": {
        "id": { "$ref": "#/definitions/stepId" },
        "type": { "enum": ["action"] },
        "name": { "type": "string" },
        "next": { "$ref": "#/definitions/next" },
        "timeout": { "$ref": "#/definitions/duration" },
        "retry": { "$ref": "#/definitions/retry" },
        "connector": { "type": "string", "minLength": 1 },
        "operation": { "type": "string", "minLength": 1 },
        "input": { "type": "object", "description": "The operation's input; strings may hold {{ expression }} templates." }
      }
    },
    "approvalStep": {
      "type": "object",
      "description": "Waits for people to approve; outcomes approved, rejected, expired.",
      "additionalProperties": false,
      "required": ["id", "type", "approvers"],
      "properties": {
        "id": { "$ref": "#/definitions/stepId" },
        "type": { "enum": ["approval"] },
        "name": { "type": "string" },
        "next": { "$ref": "#/definitions/next" },
        "timeout": { "$ref": "#/definitions/duration" },
        "retry": { "$ref": "#/definitions/retry" },
        "approvers": { "$ref": "#/definitions/approvers" },
        "message": { "type": "string" }
      }
    },
    "conditionStep": {
      "type": "object",
      "description": "Evaluates if; outcomes true and false.",
      "additionalProperties": false,
      "required": ["id", "type", "if"],
      "properties": {
        "id": { "$ref": "#/definitions/stepId" },
        "type": { "enum": ["condition"] },
        "name": { "type": "string" },
        "next": { "$ref": "#/definitions/next" },
        "timeout": { "$ref": "#/definitions/duration" },
        "retry": { "$ref": "#/definitions/retry" },
        "if": { "$ref": "#/definitions/expression" }
      }
    },
    "parallelStep": {
      "type": "object",
      "description": "Runs its branches (each a step id whose path ends the branch), then joins all or any.",
      "additionalProperties": false,
      "required": ["id", "type", "branches"],
      "properties": {
        "id": { "$ref": "#/definitions/stepId" },
        "type": { "enum": ["parallel"] },
        "name": { "type": "string" },
        "next": { "$ref": "#/definitions/next" },
        "timeout": { "$ref": "#/definitions/duration" },
        "retry": { "$ref": "#/definitions/retry" },
        "branches": { "type": "array", "minItems": 2, "uniqueItems": true, "items": { "$ref": "#/definitions/stepReference" } },
        "join": { "enum": ["all", "any"] }
      }
    },
    "delayStep": {
      "type": "object",
      "description": "Waits for a duration, or until a time (ISO-8601 or an expression).",
      "additionalProperties": false,
      "required": ["id", "type"],
      "properties": {
        "id": { "$ref": "#/definitions/stepId" },
        "type": { "enum": ["delay"] },
        "name": { "type": "string" },
        "next": { "$ref": "#/definitions/next" },
        "timeout": { "$ref": "#/definitions/duration" },
        "retry": { "$ref": "#/definitions/retry" },
        "duration": { "$ref": "#/definitions/duration" },
        "until": { "type": "string", "minLength": 1 }
      }
    },
    "setStep": {
      "type": "object",
      "description": "Sets run variables; values may hold {{ expression }} templates.",
      "additionalProperties": false,
      "required": ["id", "type", "set"],
      "properties": {
        "id": { "$ref": "#/definitions/stepId" },
        "type": { "enum": ["set"] },
        "name": { "type": "string" },
        "next": { "$ref": "#/definitions/next" },
        "timeout": { "$ref": "#/definitions/duration" },
        "retry": { "$ref": "#/definitions/retry" },
        "set": { "type": "object", "minProperties": 1 }
      }
    },
    "incidentStep": {
      "type": "object",
      "description": "Changes the run's incident: status, severity, a comment, an observable.",
      "additionalProperties": false,
      "required": ["id", "type"],
      "properties": {
        "id": { "$ref": "#/definitions/stepId" },
        "type": { "enum": ["incident"] },
        "name": { "type": "string" },
        "next": { "$ref": "#/definitions/next" },
        "timeout": { "$ref": "#/definitions/duration" },
        "retry": { "$ref": "#/definitions/retry" },
        "status": { "enum": ["acknowledged", "contained", "recovered", "closed"] },
        "severity": { "enum": ["critical", "high", "medium", "low", "informational"] },
        "comment": { "type": "string", "minLength": 1 },
        "observable": { "$ref": "#/definitions/observable" },
        "summary": { "type": "string" },
        "classification": { "enum": ["true-positive", "benign-positive", "false-positive", "undetermined"] }
      }
    },
    "playbookStep": {
      "type": "object",
      "description": "Runs another published playbook and waits for it.",
      "additionalProperties": false,
      "required": ["id", "type", "playbook"],
      "properties": {
        "id": { "$ref": "#/definitions/stepId" },
        "type": { "enum": ["playbook"] },
        "name": { "type": "string" },
        "next": { "$ref": "#/definitions/next" },
        "timeout": { "$ref": "#/definitions/duration" },
        "retry": { "$ref": "#/definitions/retry" },
        "playbook": { "$ref": "#/definitions/playbookId" }
      }
    },
    "endStep": {
      "type": "object",
      "description": "Ends the run (or the branch).",
      "additionalProperties": false,
      "required": ["id", "type"],
      "properties": {
        "id": { "$ref": "#/definitions/stepId" },
        "type": { "enum": ["end"] },
        "name": { "type": "string" }
      }
    }
  }
}

""";

    private static readonly Lazy<JsonSchema> Loaded = new(() => JsonSchema.FromJsonAsync(Json).GetAwaiter().GetResult());

    /// <summary>The schema compiled once; it only resolves references inside itself, so loading does no I/O.</summary>
    public static JsonSchema Compiled => Loaded.Value;
}

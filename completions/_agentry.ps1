
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'agentry' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'agentry'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'agentry' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('provider', 'provider', [CompletionResultType]::ParameterValue, 'Register, inspect and remove providers')
            [CompletionResult]::new('persona', 'persona', [CompletionResultType]::ParameterValue, 'List personas and show the system prompt they build')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Spawn, list and inspect agents')
            [CompletionResult]::new('task', 'task', [CompletionResultType]::ParameterValue, 'Run tasks on agents or one-shot on a persona and provider')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Show the worker pool, every agent and the per-provider totals and metrics')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop agents: they leave the pool; their history and totals stay')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Inspect or empty the response cache')
            [CompletionResult]::new('state', 'state', [CompletionResultType]::ParameterValue, 'Move agents, totals, budgets and history between state backends')
            [CompletionResult]::new('paths', 'paths', [CompletionResultType]::ParameterValue, 'Print the files and folders in use and where each choice came from')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema a --schema SPEC makes')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Tool servers (MCP) agents may call, and agentry as an MCP server')
            [CompletionResult]::new('cassette', 'cassette', [CompletionResultType]::ParameterValue, 'Show and prune the cassettes `task run --record FILE` writes')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Provider batches: list, show and cancel what `task run --via batch-api` submitted')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;provider' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a provider to the providers file in use (comments and order are kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the providers (the key is never shown)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one provider')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a provider (refused while an agent uses it)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'List the models the provider serves (GET {endpoint}/models)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;provider;add' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'What kind of service it is (required without --preset)')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'Fill type, endpoint, key variable and model for a known service: openai, anthropic, ollama, vllm, lmstudio, openrouter, groq, together, deepseek, mistral')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Base URL including the version prefix, e.g. https://api.openai.com/v1')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Model to request, e.g. gpt-4o-mini')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'Display name (defaults to the id)')
            [CompletionResult]::new('--api-key-env', '--api-key-env', [CompletionResultType]::ParameterName, 'Read the API key from this environment variable')
            [CompletionResult]::new('--api-key-cmd', '--api-key-cmd', [CompletionResultType]::ParameterName, 'Run this command with `sh -c`; its trimmed stdout is the API key')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;provider;list' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;provider;show' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;provider;remove' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;provider;models' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;provider;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a provider to the providers file in use (comments and order are kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the providers (the key is never shown)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one provider')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a provider (refused while an agent uses it)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'List the models the provider serves (GET {endpoint}/models)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;provider;help;add' {
            break
        }
        'agentry;provider;help;list' {
            break
        }
        'agentry;provider;help;show' {
            break
        }
        'agentry;provider;help;remove' {
            break
        }
        'agentry;provider;help;models' {
            break
        }
        'agentry;provider;help;help' {
            break
        }
        'agentry;persona' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List personas with where each comes from')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the exact system prompt a persona builds')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;persona;list' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;persona;show' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;persona;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List personas with where each comes from')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the exact system prompt a persona builds')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;persona;help;list' {
            break
        }
        'agentry;persona;help;show' {
            break
        }
        'agentry;persona;help;help' {
            break
        }
        'agentry;agent' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('spawn', 'spawn', [CompletionResultType]::ParameterValue, 'Spawn an agent: one worker bound to a persona, a provider and a project')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List agents')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one agent (by name or id)')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Empty an agent''s memory (waits for its running task)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;agent;spawn' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Provider id the agent sends its tasks to')
            [CompletionResult]::new('--persona', '--persona', [CompletionResultType]::ParameterName, 'Persona that builds the system prompt (default: "You are NAME, an AI agent.")')
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Project the agent works for')
            [CompletionResult]::new('--budget', '--budget', [CompletionResultType]::ParameterName, 'USD the agent may spend a UTC day (tasks past it are refused, exit 7)')
            [CompletionResult]::new('--memory', '--memory', [CompletionResultType]::ParameterName, 'Remember the last N exchanges (task and answer) and send them before each new task [default: 0, none]')
            [CompletionResult]::new('--memory-tokens', '--memory-tokens', [CompletionResultType]::ParameterName, 'Keep at most T tokens (estimated) of exchanges in memory, instead of or as well as --memory')
            [CompletionResult]::new('--tools', '--tools', [CompletionResultType]::ParameterName, 'Let its tasks call the tools of these [mcp.NAME] servers')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--exist-ok', '--exist-ok', [CompletionResultType]::ParameterName, 'Succeed when an agent of that name with the same persona, provider, project, budget, cache and memory exists')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Answer the agent''s identical requests from the response cache')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;agent;list' {
            [CompletionResult]::new('--project', '--project', [CompletionResultType]::ParameterName, 'Only agents of this project')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;agent;show' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;agent;forget' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;agent;help' {
            [CompletionResult]::new('spawn', 'spawn', [CompletionResultType]::ParameterValue, 'Spawn an agent: one worker bound to a persona, a provider and a project')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List agents')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one agent (by name or id)')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Empty an agent''s memory (waits for its running task)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;agent;help;spawn' {
            break
        }
        'agentry;agent;help;list' {
            break
        }
        'agentry;agent;help;show' {
            break
        }
        'agentry;agent;help;forget' {
            break
        }
        'agentry;agent;help;help' {
            break
        }
        'agentry;task' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run one task and print the response on stdout')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List finished tasks from the history, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one finished task: its history line, request and response')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;task;run' {
            [CompletionResult]::new('--persona', '--persona', [CompletionResultType]::ParameterName, 'One-shot: the persona to use (needs --provider, takes no AGENT)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'One-shot: the provider to use (needs --persona, takes no AGENT)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Context appended to the description')
            [CompletionResult]::new('--context-file', '--context-file', [CompletionResultType]::ParameterName, 'Read the context from a file (`-` is stdin)')
            [CompletionResult]::new('--model', '--model', [CompletionResultType]::ParameterName, 'Override the provider''s model for this run')
            [CompletionResult]::new('--temperature', '--temperature', [CompletionResultType]::ParameterName, 'Sampling temperature from 0 to 2, or `none` to send none [default: 0.7]')
            [CompletionResult]::new('--max-tokens', '--max-tokens', [CompletionResultType]::ParameterName, 'Maximum tokens in the response (1 or more)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the whole task after this long, e.g. 90, 90s, 2m (exit 5) [default: 600]')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Give up connecting after this long, e.g. 500ms, 5s [default: 10s, at most --timeout]')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'An attempt fails when no byte arrives for this long (retried) [default: 120s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries per provider after a retryable failure [default: 2]')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Answer with JSON matching SPEC: inline JSON, a .json/.yaml file, or fields such as ''name, age int, tags [string]''; `none` turns a persona''s schema.json off')
            [CompletionResult]::new('--schema-multi', '--schema-multi', [CompletionResultType]::ParameterName, 'Answer with a JSON array of objects matching SPEC (printed as that array)')
            [CompletionResult]::new('--schema-retries', '--schema-retries', [CompletionResultType]::ParameterName, 'Repair rounds for an answer that does not match the schema [default: 1]')
            [CompletionResult]::new('--tools', '--tools', [CompletionResultType]::ParameterName, 'Let the model call the tools of these [mcp.NAME] servers (besides the agent''s own)')
            [CompletionResult]::new('--allow-tool', '--allow-tool', [CompletionResultType]::ParameterName, 'Offer only the tools matching GLOB on `server.tool` (repeatable)')
            [CompletionResult]::new('--deny-tool', '--deny-tool', [CompletionResultType]::ParameterName, 'Never offer the tools matching GLOB on `server.tool` (repeatable; wins over --allow-tool)')
            [CompletionResult]::new('--max-steps', '--max-steps', [CompletionResultType]::ParameterName, 'Model calls a task with tools may make (exit 11 when the model still asks for tools) [default: 10]')
            [CompletionResult]::new('--tool-timeout', '--tool-timeout', [CompletionResultType]::ParameterName, 'Each tool call''s limit; a call that takes longer is an error result the model sees [default: 60s]')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Go on from task TASK_ID (`last`: the newest task): its whole conversation and answer are sent before this description, to its agent (or persona and provider) unless others are named')
            [CompletionResult]::new('--max-cost', '--max-cost', [CompletionResultType]::ParameterName, 'Refuse tasks once this run''s spend would pass USD (a batch is one run; exit 7)')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'Append every request sent and what came back to the cassette FILE (JSON lines, secrets removed); the cache is not looked up')
            [CompletionResult]::new('--replay', '--replay', [CompletionResultType]::ParameterName, 'Answer every provider''s requests from the cassette FILE: no network, no key (no match: exit 4, `replay_miss`)')
            [CompletionResult]::new('--replay-speed', '--replay-speed', [CompletionResultType]::ParameterName, 'How fast replayed answers and waits come: 0 at once, 1 as recorded [default: 0]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Run the tasks of a JSON-lines file (`-` is stdin); see `Batch files` in the README')
            [CompletionResult]::new('--parallel', '--parallel', [CompletionResultType]::ParameterName, 'With --file: at most this many tasks at once [default: the pool maximum]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'With --file: append results to FILE (stdout stays empty); a rerun skips ids that succeeded')
            [CompletionResult]::new('--via', '--via', [CompletionResultType]::ParameterName, 'With --file: how lines reach their providers: `requests` (one each, the default) or `batch-api` (each provider''s batch API: half price, answers within a day)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'With --via batch-api: wait at most DURATION for the provider batches (then exit 5; the same command collects later) [default: 24h]')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--no-stdin', '--no-stdin', [CompletionResultType]::ParameterName, 'Never read stdin as context')
            [CompletionResult]::new('--stream', '--stream', [CompletionResultType]::ParameterName, 'Write the answer to stdout as it is generated (under a schema: the wire streams, stdout waits for the checked value)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Under a schema: print the value indented instead of on one line')
            [CompletionResult]::new('--cache', '--cache', [CompletionResultType]::ParameterName, 'Answer identical requests from the response cache')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Never use the response cache for this run')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Skip the cache lookup and store the new answer')
            [CompletionResult]::new('--events', '--events', [CompletionResultType]::ParameterName, 'Print NDJSON events on stdout (start, delta, retry, fallback, usage, error, done)')
            [CompletionResult]::new('--ordered', '--ordered', [CompletionResultType]::ParameterName, 'With --file: print results in input order instead of completion order')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'With --via batch-api: submit, print the provider batch ids and exit 0; the same command collects later')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the exact request and send nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;task;list' {
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Only tasks of this agent (name or id)')
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only tasks that asked for or were answered by this provider')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only tasks since this long ago (e.g. 2h, 7d) or since an RFC 3339 time or date')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many, newest first; 0 lists all')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;task;show' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;task;help' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run one task and print the response on stdout')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List finished tasks from the history, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one finished task: its history line, request and response')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;task;help;run' {
            break
        }
        'agentry;task;help;list' {
            break
        }
        'agentry;task;help;show' {
            break
        }
        'agentry;task;help;help' {
            break
        }
        'agentry;stats' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'table, json (the same as --json) or prometheus (text exposition 0.0.4)')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;stop' {
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting for a running task to be cancelled after this long (exit 5) [default: 10s]')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Stop every agent')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;cache' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'How many answers the cache holds, their size, the limits and the hits so far')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove every cached answer')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;cache;stats' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;cache;clear' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;cache;help' {
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'How many answers the cache holds, their size, the limits and the hits so far')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove every cached answer')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;cache;help;stats' {
            break
        }
        'agentry;cache;help;clear' {
            break
        }
        'agentry;cache;help;help' {
            break
        }
        'agentry;state' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every agent, total, budget spend and history record as JSON lines to stdout')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Load an export into the backend in use (`-` reads stdin)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;state;export' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;state;import' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Overwrite agents that exist already (otherwise nothing is loaded)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;state;help' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every agent, total, budget spend and history record as JSON lines to stdout')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Load an export into the backend in use (`-` reads stdin)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;state;help;export' {
            break
        }
        'agentry;state;help;import' {
            break
        }
        'agentry;state;help;help' {
            break
        }
        'agentry;paths' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;schema' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the JSON Schema a SPEC makes: what --schema (or, with --multi, --schema-multi) sends')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;schema;show' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--multi', '--multi', [CompletionResultType]::ParameterName, 'The schema --schema-multi sends: an object with one `items` array of SPEC''s objects')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;schema;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the JSON Schema a SPEC makes: what --schema (or, with --multi, --schema-multi) sends')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;schema;help;show' {
            break
        }
        'agentry;schema;help;help' {
            break
        }
        'agentry;mcp' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a tool server to the providers file: `mcp add NAME -- COMMAND ARGS…` or `mcp add NAME --url URL`')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the tool servers (commands and URLs; never an env or header value)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a tool server from the providers file')
            [CompletionResult]::new('tools', 'tools', [CompletionResultType]::ParameterValue, 'Start a tool server and list its tools with their descriptions and input schemas')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Offer agentry''s agents as MCP tools on stdio (or streamable HTTP with --http)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;mcp;add' {
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'A streamable-HTTP server''s URL, instead of a command')
            [CompletionResult]::new('--env', '--env', [CompletionResultType]::ParameterName, 'Pass the variable VAR of agentry''s environment to the server as KEY (KEY=VAR, repeatable)')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;mcp;list' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;mcp;remove' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;mcp;tools' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;mcp;serve' {
            [CompletionResult]::new('--http', '--http', [CompletionResultType]::ParameterName, 'Serve streamable HTTP on this local address (e.g. 127.0.0.1:8765); needs AGENTRY_MCP_TOKEN')
            [CompletionResult]::new('--agents', '--agents', [CompletionResultType]::ParameterName, 'Offer only the agents whose names match GLOB (repeatable)')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;mcp;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a tool server to the providers file: `mcp add NAME -- COMMAND ARGS…` or `mcp add NAME --url URL`')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the tool servers (commands and URLs; never an env or header value)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a tool server from the providers file')
            [CompletionResult]::new('tools', 'tools', [CompletionResultType]::ParameterValue, 'Start a tool server and list its tools with their descriptions and input schemas')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Offer agentry''s agents as MCP tools on stdio (or streamable HTTP with --http)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;mcp;help;add' {
            break
        }
        'agentry;mcp;help;list' {
            break
        }
        'agentry;mcp;help;remove' {
            break
        }
        'agentry;mcp;help;tools' {
            break
        }
        'agentry;mcp;help;serve' {
            break
        }
        'agentry;mcp;help;help' {
            break
        }
        'agentry;cassette' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'List a cassette''s interactions: provider, model, status, and when each was last replayed')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Drop the interactions no replay has matched since TIME (what was recorded since then stays)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;cassette;show' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;cassette;prune' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'An RFC 3339 time, a date, or a DURATION back from now (`30d`)')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be dropped; change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;cassette;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'List a cassette''s interactions: provider, model, status, and when each was last replayed')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Drop the interactions no replay has matched since TIME (what was recorded since then stays)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;cassette;help;show' {
            break
        }
        'agentry;cassette;help;prune' {
            break
        }
        'agentry;cassette;help;help' {
            break
        }
        'agentry;batch' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The provider batches submitted by `task run --via batch-api`, with status and counts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One provider batch (agentry''s `pb_` id or the provider''s id), asking the provider where it stands')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Ask the provider to cancel a provider batch; the same `task run` collects what was done')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;batch;list' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;batch;show' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;batch;cancel' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;batch;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The provider batches submitted by `task run --via batch-api`, with status and counts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One provider batch (agentry''s `pb_` id or the provider''s id), asking the provider where it stands')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Ask the provider to cancel a provider batch; the same `task run` collects what was done')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;batch;help;list' {
            break
        }
        'agentry;batch;help;show' {
            break
        }
        'agentry;batch;help;cancel' {
            break
        }
        'agentry;batch;help;help' {
            break
        }
        'agentry;completions' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Folder for agentry''s state and default config [env: AGENTRY_HOME]')
            [CompletionResult]::new('--providers', '--providers', [CompletionResultType]::ParameterName, 'The providers file to use [env: AGENTRY_PROVIDERS]')
            [CompletionResult]::new('--personas', '--personas', [CompletionResultType]::ParameterName, 'The folder to look up personas in [env: AGENTRY_PERSONAS]')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print machine-readable JSON on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Silence notes and progress (errors and warnings still show)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print request and response metadata on stderr (secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'agentry;help' {
            [CompletionResult]::new('provider', 'provider', [CompletionResultType]::ParameterValue, 'Register, inspect and remove providers')
            [CompletionResult]::new('persona', 'persona', [CompletionResultType]::ParameterValue, 'List personas and show the system prompt they build')
            [CompletionResult]::new('agent', 'agent', [CompletionResultType]::ParameterValue, 'Spawn, list and inspect agents')
            [CompletionResult]::new('task', 'task', [CompletionResultType]::ParameterValue, 'Run tasks on agents or one-shot on a persona and provider')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Show the worker pool, every agent and the per-provider totals and metrics')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop agents: they leave the pool; their history and totals stay')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Inspect or empty the response cache')
            [CompletionResult]::new('state', 'state', [CompletionResultType]::ParameterValue, 'Move agents, totals, budgets and history between state backends')
            [CompletionResult]::new('paths', 'paths', [CompletionResultType]::ParameterValue, 'Print the files and folders in use and where each choice came from')
            [CompletionResult]::new('schema', 'schema', [CompletionResultType]::ParameterValue, 'Print the JSON Schema a --schema SPEC makes')
            [CompletionResult]::new('mcp', 'mcp', [CompletionResultType]::ParameterValue, 'Tool servers (MCP) agents may call, and agentry as an MCP server')
            [CompletionResult]::new('cassette', 'cassette', [CompletionResultType]::ParameterValue, 'Show and prune the cassettes `task run --record FILE` writes')
            [CompletionResult]::new('batch', 'batch', [CompletionResultType]::ParameterValue, 'Provider batches: list, show and cancel what `task run --via batch-api` submitted')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'agentry;help;provider' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a provider to the providers file in use (comments and order are kept)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the providers (the key is never shown)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one provider')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a provider (refused while an agent uses it)')
            [CompletionResult]::new('models', 'models', [CompletionResultType]::ParameterValue, 'List the models the provider serves (GET {endpoint}/models)')
            break
        }
        'agentry;help;provider;add' {
            break
        }
        'agentry;help;provider;list' {
            break
        }
        'agentry;help;provider;show' {
            break
        }
        'agentry;help;provider;remove' {
            break
        }
        'agentry;help;provider;models' {
            break
        }
        'agentry;help;persona' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List personas with where each comes from')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the exact system prompt a persona builds')
            break
        }
        'agentry;help;persona;list' {
            break
        }
        'agentry;help;persona;show' {
            break
        }
        'agentry;help;agent' {
            [CompletionResult]::new('spawn', 'spawn', [CompletionResultType]::ParameterValue, 'Spawn an agent: one worker bound to a persona, a provider and a project')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List agents')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one agent (by name or id)')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Empty an agent''s memory (waits for its running task)')
            break
        }
        'agentry;help;agent;spawn' {
            break
        }
        'agentry;help;agent;list' {
            break
        }
        'agentry;help;agent;show' {
            break
        }
        'agentry;help;agent;forget' {
            break
        }
        'agentry;help;task' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Run one task and print the response on stdout')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List finished tasks from the history, newest first')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one finished task: its history line, request and response')
            break
        }
        'agentry;help;task;run' {
            break
        }
        'agentry;help;task;list' {
            break
        }
        'agentry;help;task;show' {
            break
        }
        'agentry;help;stats' {
            break
        }
        'agentry;help;stop' {
            break
        }
        'agentry;help;cache' {
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'How many answers the cache holds, their size, the limits and the hits so far')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove every cached answer')
            break
        }
        'agentry;help;cache;stats' {
            break
        }
        'agentry;help;cache;clear' {
            break
        }
        'agentry;help;state' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write every agent, total, budget spend and history record as JSON lines to stdout')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Load an export into the backend in use (`-` reads stdin)')
            break
        }
        'agentry;help;state;export' {
            break
        }
        'agentry;help;state;import' {
            break
        }
        'agentry;help;paths' {
            break
        }
        'agentry;help;schema' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the JSON Schema a SPEC makes: what --schema (or, with --multi, --schema-multi) sends')
            break
        }
        'agentry;help;schema;show' {
            break
        }
        'agentry;help;mcp' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a tool server to the providers file: `mcp add NAME -- COMMAND ARGS…` or `mcp add NAME --url URL`')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the tool servers (commands and URLs; never an env or header value)')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Remove a tool server from the providers file')
            [CompletionResult]::new('tools', 'tools', [CompletionResultType]::ParameterValue, 'Start a tool server and list its tools with their descriptions and input schemas')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Offer agentry''s agents as MCP tools on stdio (or streamable HTTP with --http)')
            break
        }
        'agentry;help;mcp;add' {
            break
        }
        'agentry;help;mcp;list' {
            break
        }
        'agentry;help;mcp;remove' {
            break
        }
        'agentry;help;mcp;tools' {
            break
        }
        'agentry;help;mcp;serve' {
            break
        }
        'agentry;help;cassette' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'List a cassette''s interactions: provider, model, status, and when each was last replayed')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Drop the interactions no replay has matched since TIME (what was recorded since then stays)')
            break
        }
        'agentry;help;cassette;show' {
            break
        }
        'agentry;help;cassette;prune' {
            break
        }
        'agentry;help;batch' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The provider batches submitted by `task run --via batch-api`, with status and counts')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'One provider batch (agentry''s `pb_` id or the provider''s id), asking the provider where it stands')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Ask the provider to cancel a provider batch; the same `task run` collects what was done')
            break
        }
        'agentry;help;batch;list' {
            break
        }
        'agentry;help;batch;show' {
            break
        }
        'agentry;help;batch;cancel' {
            break
        }
        'agentry;help;completions' {
            break
        }
        'agentry;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_agentry_global_optspecs
    string join \n home= providers= personas= state= json q/quiet v/verbose color= h/help V/version
end

function __fish_agentry_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_agentry_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_agentry_using_subcommand
    set -l cmd (__fish_agentry_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c agentry -n "__fish_agentry_needs_command" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_needs_command" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_needs_command" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_needs_command" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_needs_command" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_needs_command" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_needs_command" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_needs_command" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentry -n "__fish_agentry_needs_command" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "provider" -d 'Register, inspect and remove providers'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "persona" -d 'List personas and show the system prompt they build'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "agent" -d 'Spawn, list and inspect agents'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "task" -d 'Run tasks on agents or one-shot on a persona and provider'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "stats" -d 'Show the worker pool, every agent and the per-provider totals and metrics'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "stop" -d 'Stop agents: they leave the pool; their history and totals stay'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "cache" -d 'Inspect or empty the response cache'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "state" -d 'Move agents, totals, budgets and history between state backends'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "paths" -d 'Print the files and folders in use and where each choice came from'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "schema" -d 'Print the JSON Schema a --schema SPEC makes'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "mcp" -d 'Tool servers (MCP) agents may call, and agentry as an MCP server'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "cassette" -d 'Show and prune the cassettes `task run --record FILE` writes'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "batch" -d 'Provider batches: list, show and cancel what `task run --via batch-api` submitted'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c agentry -n "__fish_agentry_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -f -a "add" -d 'Add a provider to the providers file in use (comments and order are kept)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -f -a "list" -d 'List the providers (the key is never shown)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -f -a "show" -d 'Show one provider'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -f -a "remove" -d 'Remove a provider (refused while an agent uses it)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -f -a "models" -d 'List the models the provider serves (GET {endpoint}/models)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and not __fish_seen_subcommand_from add list show remove models help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l type -d 'What kind of service it is (required without --preset)' -r -f -a "openai\t''
anthropic\t''
local\t''
custom\t''
mock\t''
replay\t'Answers from a cassette (`cassette = "FILE"`): no network, no key'"
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l preset -d 'Fill type, endpoint, key variable and model for a known service: openai, anthropic, ollama, vllm, lmstudio, openrouter, groq, together, deepseek, mistral' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l endpoint -d 'Base URL including the version prefix, e.g. https://api.openai.com/v1' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l model -d 'Model to request, e.g. gpt-4o-mini' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l name -d 'Display name (defaults to the id)' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l api-key-env -d 'Read the API key from this environment variable' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l api-key-cmd -d 'Run this command with `sh -c`; its trimmed stdout is the API key' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from list" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from list" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from list" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from list" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from list" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from show" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from show" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from show" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from show" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from show" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from remove" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from remove" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from remove" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from remove" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from models" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from models" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from models" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from models" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from models" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from models" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from models" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from models" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from models" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from models" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a provider to the providers file in use (comments and order are kept)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the providers (the key is never shown)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one provider'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a provider (refused while an agent uses it)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "models" -d 'List the models the provider serves (GET {endpoint}/models)'
complete -c agentry -n "__fish_agentry_using_subcommand provider; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -f -a "list" -d 'List personas with where each comes from'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -f -a "show" -d 'Print the exact system prompt a persona builds'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and not __fish_seen_subcommand_from list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from list" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from list" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from list" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from list" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from list" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from show" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from show" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from show" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from show" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from show" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from help" -f -a "list" -d 'List personas with where each comes from'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the exact system prompt a persona builds'
complete -c agentry -n "__fish_agentry_using_subcommand persona; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -f -a "spawn" -d 'Spawn an agent: one worker bound to a persona, a provider and a project'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -f -a "list" -d 'List agents'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -f -a "show" -d 'Show one agent (by name or id)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -f -a "forget" -d 'Empty an agent\'s memory (waits for its running task)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and not __fish_seen_subcommand_from spawn list show forget help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l provider -d 'Provider id the agent sends its tasks to' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l persona -d 'Persona that builds the system prompt (default: "You are NAME, an AI agent.")' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l project -d 'Project the agent works for' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l budget -d 'USD the agent may spend a UTC day (tasks past it are refused, exit 7)' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l memory -d 'Remember the last N exchanges (task and answer) and send them before each new task [default: 0, none]' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l memory-tokens -d 'Keep at most T tokens (estimated) of exchanges in memory, instead of or as well as --memory' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l tools -d 'Let its tasks call the tools of these [mcp.NAME] servers' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l exist-ok -d 'Succeed when an agent of that name with the same persona, provider, project, budget, cache and memory exists'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l cache -d 'Answer the agent\'s identical requests from the response cache'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from spawn" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from list" -l project -d 'Only agents of this project' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from list" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from list" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from list" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from list" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from list" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from show" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from show" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from show" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from show" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from show" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from forget" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from forget" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from forget" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from forget" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from forget" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from forget" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from forget" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from forget" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from forget" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from forget" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "spawn" -d 'Spawn an agent: one worker bound to a persona, a provider and a project'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "list" -d 'List agents'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one agent (by name or id)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "forget" -d 'Empty an agent\'s memory (waits for its running task)'
complete -c agentry -n "__fish_agentry_using_subcommand agent; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -f -a "run" -d 'Run one task and print the response on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -f -a "list" -d 'List finished tasks from the history, newest first'
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -f -a "show" -d 'Show one finished task: its history line, request and response'
complete -c agentry -n "__fish_agentry_using_subcommand task; and not __fish_seen_subcommand_from run list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l persona -d 'One-shot: the persona to use (needs --provider, takes no AGENT)' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l provider -d 'One-shot: the provider to use (needs --persona, takes no AGENT)' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l context -d 'Context appended to the description' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l context-file -d 'Read the context from a file (`-` is stdin)' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l model -d 'Override the provider\'s model for this run' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l temperature -d 'Sampling temperature from 0 to 2, or `none` to send none [default: 0.7]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l max-tokens -d 'Maximum tokens in the response (1 or more)' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l timeout -d 'Give up on the whole task after this long, e.g. 90, 90s, 2m (exit 5) [default: 600]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l connect-timeout -d 'Give up connecting after this long, e.g. 500ms, 5s [default: 10s, at most --timeout]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l idle-timeout -d 'An attempt fails when no byte arrives for this long (retried) [default: 120s]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l retries -d 'Retries per provider after a retryable failure [default: 2]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l schema -d 'Answer with JSON matching SPEC: inline JSON, a .json/.yaml file, or fields such as \'name, age int, tags [string]\'; `none` turns a persona\'s schema.json off' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l schema-multi -d 'Answer with a JSON array of objects matching SPEC (printed as that array)' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l schema-retries -d 'Repair rounds for an answer that does not match the schema [default: 1]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l tools -d 'Let the model call the tools of these [mcp.NAME] servers (besides the agent\'s own)' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l allow-tool -d 'Offer only the tools matching GLOB on `server.tool` (repeatable)' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l deny-tool -d 'Never offer the tools matching GLOB on `server.tool` (repeatable; wins over --allow-tool)' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l max-steps -d 'Model calls a task with tools may make (exit 11 when the model still asks for tools) [default: 10]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l tool-timeout -d 'Each tool call\'s limit; a call that takes longer is an error result the model sees [default: 60s]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l continue -d 'Go on from task TASK_ID (`last`: the newest task): its whole conversation and answer are sent before this description, to its agent (or persona and provider) unless others are named' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l max-cost -d 'Refuse tasks once this run\'s spend would pass USD (a batch is one run; exit 7)' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l record -d 'Append every request sent and what came back to the cassette FILE (JSON lines, secrets removed); the cache is not looked up' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l replay -d 'Answer every provider\'s requests from the cassette FILE: no network, no key (no match: exit 4, `replay_miss`)' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l replay-speed -d 'How fast replayed answers and waits come: 0 at once, 1 as recorded [default: 0]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l file -d 'Run the tasks of a JSON-lines file (`-` is stdin); see `Batch files` in the README' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l parallel -d 'With --file: at most this many tasks at once [default: the pool maximum]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l output -d 'With --file: append results to FILE (stdout stays empty); a rerun skips ids that succeeded' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l via -d 'With --file: how lines reach their providers: `requests` (one each, the default) or `batch-api` (each provider\'s batch API: half price, answers within a day)' -r -f -a "requests\t'One request each, through the worker pool'
batch-api\t'Each provider\'s batch API'"
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l wait -d 'With --via batch-api: wait at most DURATION for the provider batches (then exit 5; the same command collects later) [default: 24h]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l no-stdin -d 'Never read stdin as context'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l stream -d 'Write the answer to stdout as it is generated (under a schema: the wire streams, stdout waits for the checked value)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l pretty -d 'Under a schema: print the value indented instead of on one line'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l cache -d 'Answer identical requests from the response cache'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l no-cache -d 'Never use the response cache for this run'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l refresh -d 'Skip the cache lookup and store the new answer'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l events -d 'Print NDJSON events on stdout (start, delta, retry, fallback, usage, error, done)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l ordered -d 'With --file: print results in input order instead of completion order'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l no-wait -d 'With --via batch-api: submit, print the provider batch ids and exit 0; the same command collects later'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l dry-run -d 'Print the exact request and send nothing'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -l agent -d 'Only tasks of this agent (name or id)' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -l provider -d 'Only tasks that asked for or were answered by this provider' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -l since -d 'Only tasks since this long ago (e.g. 2h, 7d) or since an RFC 3339 time or date' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -l limit -d 'At most this many, newest first; 0 lists all' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from show" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from show" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from show" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from show" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from show" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "run" -d 'Run one task and print the response on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "list" -d 'List finished tasks from the history, newest first'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one finished task: its history line, request and response'
complete -c agentry -n "__fish_agentry_using_subcommand task; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand stats" -l format -d 'table, json (the same as --json) or prometheus (text exposition 0.0.4)' -r -f -a "table\t''
json\t''
prometheus\t''"
complete -c agentry -n "__fish_agentry_using_subcommand stats" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand stats" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand stats" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand stats" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand stats" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand stats" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand stats" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand stats" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand stats" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand stats" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand stop" -l timeout -d 'Give up waiting for a running task to be cancelled after this long (exit 5) [default: 10s]' -r
complete -c agentry -n "__fish_agentry_using_subcommand stop" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand stop" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand stop" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand stop" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand stop" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand stop" -l all -d 'Stop every agent'
complete -c agentry -n "__fish_agentry_using_subcommand stop" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand stop" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand stop" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c agentry -n "__fish_agentry_using_subcommand stop" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -f -a "stats" -d 'How many answers the cache holds, their size, the limits and the hits so far'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -f -a "clear" -d 'Remove every cached answer'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and not __fish_seen_subcommand_from stats clear help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from stats" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from stats" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from stats" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from stats" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from stats" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from stats" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from stats" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from stats" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from clear" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from clear" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from clear" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from clear" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from clear" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from clear" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from clear" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from clear" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from clear" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "stats" -d 'How many answers the cache holds, their size, the limits and the hits so far'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Remove every cached answer'
complete -c agentry -n "__fish_agentry_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -f -a "export" -d 'Write every agent, total, budget spend and history record as JSON lines to stdout'
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -f -a "import" -d 'Load an export into the backend in use (`-` reads stdin)'
complete -c agentry -n "__fish_agentry_using_subcommand state; and not __fish_seen_subcommand_from export import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from export" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from export" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from export" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from export" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from export" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from export" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from import" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from import" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from import" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from import" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from import" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from import" -l replace -d 'Overwrite agents that exist already (otherwise nothing is loaded)'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from import" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write every agent, total, budget spend and history record as JSON lines to stdout'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "import" -d 'Load an export into the backend in use (`-` reads stdin)'
complete -c agentry -n "__fish_agentry_using_subcommand state; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand paths" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand paths" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand paths" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand paths" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand paths" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand paths" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand paths" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand paths" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand paths" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand paths" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -f -a "show" -d 'Print the JSON Schema a SPEC makes: what --schema (or, with --multi, --schema-multi) sends'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and not __fish_seen_subcommand_from show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from show" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from show" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from show" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from show" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from show" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from show" -l multi -d 'The schema --schema-multi sends: an object with one `items` array of SPEC\'s objects'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the JSON Schema a SPEC makes: what --schema (or, with --multi, --schema-multi) sends'
complete -c agentry -n "__fish_agentry_using_subcommand schema; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -f -a "add" -d 'Add a tool server to the providers file: `mcp add NAME -- COMMAND ARGS…` or `mcp add NAME --url URL`'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -f -a "list" -d 'List the tool servers (commands and URLs; never an env or header value)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -f -a "remove" -d 'Remove a tool server from the providers file'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -f -a "tools" -d 'Start a tool server and list its tools with their descriptions and input schemas'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -f -a "serve" -d 'Offer agentry\'s agents as MCP tools on stdio (or streamable HTTP with --http)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and not __fish_seen_subcommand_from add list remove tools serve help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -l url -d 'A streamable-HTTP server\'s URL, instead of a command' -r
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -l env -d 'Pass the variable VAR of agentry\'s environment to the server as KEY (KEY=VAR, repeatable)' -r
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from list" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from list" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from list" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from list" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from list" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from tools" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from tools" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from tools" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from tools" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from tools" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from tools" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from tools" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from tools" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from tools" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from tools" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l http -d 'Serve streamable HTTP on this local address (e.g. 127.0.0.1:8765); needs AGENTRY_MCP_TOKEN' -r
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l agents -d 'Offer only the agents whose names match GLOB (repeatable)' -r
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from serve" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a tool server to the providers file: `mcp add NAME -- COMMAND ARGS…` or `mcp add NAME --url URL`'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the tool servers (commands and URLs; never an env or header value)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove a tool server from the providers file'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "tools" -d 'Start a tool server and list its tools with their descriptions and input schemas'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Offer agentry\'s agents as MCP tools on stdio (or streamable HTTP with --http)'
complete -c agentry -n "__fish_agentry_using_subcommand mcp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -f -a "show" -d 'List a cassette\'s interactions: provider, model, status, and when each was last replayed'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -f -a "prune" -d 'Drop the interactions no replay has matched since TIME (what was recorded since then stays)'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and not __fish_seen_subcommand_from show prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from show" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from show" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from show" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from show" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from show" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -l since -d 'An RFC 3339 time, a date, or a DURATION back from now (`30d`)' -r
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -l dry-run -d 'Say what would be dropped; change nothing'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from help" -f -a "show" -d 'List a cassette\'s interactions: provider, model, status, and when each was last replayed'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Drop the interactions no replay has matched since TIME (what was recorded since then stays)'
complete -c agentry -n "__fish_agentry_using_subcommand cassette; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -f -a "list" -d 'The provider batches submitted by `task run --via batch-api`, with status and counts'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -f -a "show" -d 'One provider batch (agentry\'s `pb_` id or the provider\'s id), asking the provider where it stands'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -f -a "cancel" -d 'Ask the provider to cancel a provider batch; the same `task run` collects what was done'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and not __fish_seen_subcommand_from list show cancel help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from list" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from list" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from list" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from list" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from list" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from show" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from show" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from show" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from show" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from show" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from cancel" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from cancel" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from cancel" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from cancel" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from cancel" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from cancel" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from cancel" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from cancel" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from cancel" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from help" -f -a "list" -d 'The provider batches submitted by `task run --via batch-api`, with status and counts'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from help" -f -a "show" -d 'One provider batch (agentry\'s `pb_` id or the provider\'s id), asking the provider where it stands'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'Ask the provider to cancel a provider batch; the same `task run` collects what was done'
complete -c agentry -n "__fish_agentry_using_subcommand batch; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand completions" -l home -d 'Folder for agentry\'s state and default config [env: AGENTRY_HOME]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand completions" -l providers -d 'The providers file to use [env: AGENTRY_PROVIDERS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand completions" -l personas -d 'The folder to look up personas in [env: AGENTRY_PERSONAS]' -r -F
complete -c agentry -n "__fish_agentry_using_subcommand completions" -l state -d 'Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]' -r
complete -c agentry -n "__fish_agentry_using_subcommand completions" -l color -d 'When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c agentry -n "__fish_agentry_using_subcommand completions" -l json -d 'Print machine-readable JSON on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand completions" -s q -l quiet -d 'Silence notes and progress (errors and warnings still show)'
complete -c agentry -n "__fish_agentry_using_subcommand completions" -s v -l verbose -d 'Print request and response metadata on stderr (secrets redacted)'
complete -c agentry -n "__fish_agentry_using_subcommand completions" -s h -l help -d 'Print help'
complete -c agentry -n "__fish_agentry_using_subcommand completions" -s V -l version -d 'Print version'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "provider" -d 'Register, inspect and remove providers'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "persona" -d 'List personas and show the system prompt they build'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "agent" -d 'Spawn, list and inspect agents'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "task" -d 'Run tasks on agents or one-shot on a persona and provider'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "stats" -d 'Show the worker pool, every agent and the per-provider totals and metrics'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "stop" -d 'Stop agents: they leave the pool; their history and totals stay'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "cache" -d 'Inspect or empty the response cache'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "state" -d 'Move agents, totals, budgets and history between state backends'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "paths" -d 'Print the files and folders in use and where each choice came from'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "schema" -d 'Print the JSON Schema a --schema SPEC makes'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "mcp" -d 'Tool servers (MCP) agents may call, and agentry as an MCP server'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "cassette" -d 'Show and prune the cassettes `task run --record FILE` writes'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "batch" -d 'Provider batches: list, show and cancel what `task run --via batch-api` submitted'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c agentry -n "__fish_agentry_using_subcommand help; and not __fish_seen_subcommand_from provider persona agent task stats stop cache state paths schema mcp cassette batch completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "add" -d 'Add a provider to the providers file in use (comments and order are kept)'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "list" -d 'List the providers (the key is never shown)'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "show" -d 'Show one provider'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "remove" -d 'Remove a provider (refused while an agent uses it)'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from provider" -f -a "models" -d 'List the models the provider serves (GET {endpoint}/models)'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from persona" -f -a "list" -d 'List personas with where each comes from'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from persona" -f -a "show" -d 'Print the exact system prompt a persona builds'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "spawn" -d 'Spawn an agent: one worker bound to a persona, a provider and a project'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "list" -d 'List agents'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "show" -d 'Show one agent (by name or id)'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from agent" -f -a "forget" -d 'Empty an agent\'s memory (waits for its running task)'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from task" -f -a "run" -d 'Run one task and print the response on stdout'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from task" -f -a "list" -d 'List finished tasks from the history, newest first'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from task" -f -a "show" -d 'Show one finished task: its history line, request and response'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "stats" -d 'How many answers the cache holds, their size, the limits and the hits so far'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "clear" -d 'Remove every cached answer'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from state" -f -a "export" -d 'Write every agent, total, budget spend and history record as JSON lines to stdout'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from state" -f -a "import" -d 'Load an export into the backend in use (`-` reads stdin)'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from schema" -f -a "show" -d 'Print the JSON Schema a SPEC makes: what --schema (or, with --multi, --schema-multi) sends'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "add" -d 'Add a tool server to the providers file: `mcp add NAME -- COMMAND ARGS…` or `mcp add NAME --url URL`'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "list" -d 'List the tool servers (commands and URLs; never an env or header value)'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "remove" -d 'Remove a tool server from the providers file'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "tools" -d 'Start a tool server and list its tools with their descriptions and input schemas'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from mcp" -f -a "serve" -d 'Offer agentry\'s agents as MCP tools on stdio (or streamable HTTP with --http)'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from cassette" -f -a "show" -d 'List a cassette\'s interactions: provider, model, status, and when each was last replayed'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from cassette" -f -a "prune" -d 'Drop the interactions no replay has matched since TIME (what was recorded since then stays)'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from batch" -f -a "list" -d 'The provider batches submitted by `task run --via batch-api`, with status and counts'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from batch" -f -a "show" -d 'One provider batch (agentry\'s `pb_` id or the provider\'s id), asking the provider where it stands'
complete -c agentry -n "__fish_agentry_using_subcommand help; and __fish_seen_subcommand_from batch" -f -a "cancel" -d 'Ask the provider to cancel a provider batch; the same `task run` collects what was done'

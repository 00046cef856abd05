//! The reference run of bench/tools.py: a tool loop with nothing but the parts it
//! cannot do without, the same HTTP client and MCP SDK agentry uses. It starts the
//! tool server, lists its tools, then asks the model and calls the tools it names
//! until the model answers. What agentry spends per step beyond this is its own time.
//!
//! Usage: cargo run --release --example bench-tool-loop -- MODEL_URL COMMAND ARGS…

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(url), Some(command)) = (args.first(), args.get(1)) else {
        std::process::exit(2);
    };
    let mut cmd = tokio::process::Command::new(command);
    cmd.args(&args[2..]).stderr(std::process::Stdio::null());
    let Ok(transport) = rmcp::transport::TokioChildProcess::new(cmd) else { std::process::exit(3) };
    let Ok(client) = ().serve(transport).await else { std::process::exit(4) };
    let Ok(listed) = client.list_all_tools().await else { std::process::exit(5) };
    let tools: Vec<Value> = listed
        .iter()
        .map(|t| {
            json!({"type": "function", "function": {
                "name": format!("every__{}", t.name), "description": t.description, "parameters": *t.input_schema,
            }})
        })
        .collect();
    let http = reqwest::Client::new();
    let mut messages =
        vec![json!({"role": "system", "content": "You are a bench."}), json!({"role": "user", "content": "Loop"})];
    loop {
        let body = json!({"model": "bench-model", "messages": messages, "tools": tools});
        let Ok(response) = http.post(url).json(&body).send().await else { std::process::exit(6) };
        let Ok(answer) = response.json::<Value>().await else { std::process::exit(7) };
        let message = answer["choices"][0]["message"].clone();
        let Some(calls) = message["tool_calls"].as_array().filter(|c| !c.is_empty()).cloned() else { break };
        messages.push(message);
        for call in calls {
            let name = call["function"]["name"].as_str().unwrap_or_default().trim_start_matches("every__").to_string();
            let arguments: Value =
                serde_json::from_str(call["function"]["arguments"].as_str().unwrap_or("{}")).unwrap_or(json!({}));
            let params =
                CallToolRequestParams::new(name).with_arguments(arguments.as_object().cloned().unwrap_or_default());
            let Ok(result) = client.call_tool(params).await else { std::process::exit(8) };
            let text: String = result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect();
            messages.push(json!({"role": "tool", "tool_call_id": call["id"], "content": text}));
        }
    }
    let _ = client.cancel().await;
}

// The pricing team's WebSocket API for live quotes. `cdk synth` writes
// cdk.out/QuotesStack.template.json, deployed as the stack quotes-prod.
import { Stack, StackProps } from "aws-cdk-lib";
import { WebSocketApi, WebSocketStage } from "aws-cdk-lib/aws-apigatewayv2";
import { WebSocketLambdaAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { WebSocketMockIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Function } from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";

export class QuotesStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, { ...props, stackName: "quotes-prod" });
    const auth = Function.fromFunctionName(this, "Auth", "quotes-authorizer");
    const api = new WebSocketApi(this, "QuotesWs", {
      apiName: "quotes-ws",
      disableExecuteApiEndpoint: true,
      connectRouteOptions: {
        integration: new WebSocketMockIntegration("Connect"),
        authorizer: new WebSocketLambdaAuthorizer("Authorizer", auth),
      },
      defaultRouteOptions: { integration: new WebSocketMockIntegration("Default") },
    });
    new WebSocketStage(this, "ProdStage", { webSocketApi: api, stageName: "prod", autoDeploy: true });
  }
}

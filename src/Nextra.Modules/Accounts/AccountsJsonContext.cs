using System.Text.Json;
using System.Text.Json.Serialization;
using Nextra.Modules.Common;

namespace Nextra.Modules.Accounts;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SetupStatusResponse))]
[JsonSerializable(typeof(SetupRequest))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(ChangePasswordRequest))]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(ApiKeyResponse[]))]
[JsonSerializable(typeof(CreatedApiKeyResponse))]
[JsonSerializable(typeof(FieldError[]))]
[JsonSerializable(typeof(MemberResponse[]))]
[JsonSerializable(typeof(CreateInviteRequest))]
[JsonSerializable(typeof(CreatedInviteResponse))]
[JsonSerializable(typeof(InviteResponse[]))]
[JsonSerializable(typeof(AcceptInviteRequest))]
[JsonSerializable(typeof(SetRoleRequest))]
[JsonSerializable(typeof(TransferOwnershipRequest))]
[JsonSerializable(typeof(TenantResponse[]))]
[JsonSerializable(typeof(SwitchTenantRequest))]
[JsonSerializable(typeof(SignupRequest))]
[JsonSerializable(typeof(TenantApiKeyResponse[]))]
internal sealed partial class AccountsJsonContext : JsonSerializerContext;

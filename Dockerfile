# Respond server image. Build: docker build -t respond .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The server's build also builds the browser console, which needs Node.js 20.19+ and npm.
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl gnupg \
    && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - \
    && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json nuget.config Directory.Build.props Directory.Packages.props .editorconfig Respond.sln ./
COPY src/ src/
# Embedded in Respond.Server as its schema.
COPY playbooks/playbook.schema.json playbooks/
RUN dotnet publish src/Respond.Server -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY playbooks/ /app/playbooks/
ENV ASPNETCORE_URLS=http://0.0.0.0:8080
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "Respond.Server.dll"]

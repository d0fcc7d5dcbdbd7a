# Respond server image. Build: docker build -t respond .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
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

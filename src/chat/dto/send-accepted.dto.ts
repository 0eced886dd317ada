import { ApiProperty } from '@nestjs/swagger';

export class SendAcceptedDto {
  @ApiProperty({ example: 'default' })
  conversationId: string;

  @ApiProperty({
    example: '2d0f8c2e-5b7a-4c1e-9a51-0c6f1d3b8e11',
    description: 'Id of the reply; every event of the reply carries it.',
  })
  messageId: string;
}

import { ApiProperty } from '@nestjs/swagger';

export class StreamTokenDto {
  @ApiProperty({
    example: 'st1.eyJrIjoia18zZjFhOWMwZDJlNGIiLCJlIjoxNzY0MTMxNTgyfQ.q4t2…',
    description:
      'Pass as `GET /server/events?streamToken=…`. Short-lived, signed, bound to the key ' +
      'and to one conversation; not a credential for any other route.',
  })
  token: string;

  @ApiProperty({ example: '2025-11-26T04:33:02.000Z', format: 'date-time' })
  expiresAt: string;

  @ApiProperty({ example: 300, description: 'Seconds until expiry.' })
  expiresIn: number;

  @ApiProperty({
    example: 'c_4f2a9',
    description: 'The only conversation the token opens.',
  })
  conversationId: string;
}
